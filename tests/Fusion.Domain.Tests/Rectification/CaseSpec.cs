using Fusion.Domain.Common;
using Fusion.Domain.Rectification;

namespace Fusion.Domain.Tests.Rectification;

/// <summary>Given a case's events → When a command → Then events, a refusal (409) or a rejection (422).</summary>
public sealed class CaseSpec
{
    readonly List<object> history = [];

    public static CaseSpec Given(params object[] events) => new CaseSpec().And(events);
    public CaseSpec And(params object[] events) { history.AddRange(events); return this; }

    public RectificationCase? State => RectificationCase.Fold(history);

    public Outcome When(CaseCommand command)
    {
        try { return new Outcome(RectificationDecider.Decide(command, State), null); }
        catch (Exception e) when (e is DomainRejected or TransitionRefused) { return new Outcome([], e); }
    }

    public sealed record Outcome(object[] Events, Exception? Error)
    {
        public void Then(params object[] expected)
        {
            Assert.Null(Error);
            // Events hold lists, which records compare by reference: compare what they say instead.
            Assert.Equal(expected.Select(Text), Events.Select(Text));
        }

        static string Text(object e) => e.GetType().Name + System.Text.Json.JsonSerializer.Serialize(e, e.GetType());

        public void ThenRefused(string because)
        {
            var e = Assert.IsType<TransitionRefused>(Error);
            Assert.Contains(because, e.Message);
        }

        public void ThenRejected(string because)
        {
            var e = Assert.IsType<DomainRejected>(Error);
            Assert.Contains(because, e.Message);
        }
    }
}
