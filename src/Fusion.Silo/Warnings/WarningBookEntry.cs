using System.Collections.Immutable;
using Fusion.Domain.Warnings;
using Fusion.Silo.Store;
using Marten;

namespace Fusion.Silo.Warnings;

/// <summary>
/// One open deadline of a warning book (an inspection finding's rectify-by day, a suggestion's response day), or one piece of
/// evidence it has seen verified or answered, stored as a document of its own beside the book (Scope: the book's id). A book
/// holds one of each per open finding and per finding ever verified, and is stored again whenever anything in it changes:
/// inside it, they made every change rewrite all of them (at a thousand open findings, half a megabyte of JSON per change).
/// </summary>
[GenerateSerializer]
public sealed class WarningBookEntry
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public string Scope { get; set; } = "";
    /// <summary>The deadline's key in the book, or the verified evidence id.</summary>
    [Id(2)] public string Key { get; set; } = "";
    /// <summary>The deadline; null for verified evidence.</summary>
    [Id(3)] public PendingDeadline? Deadline { get; set; }

    static string IdOf(string scope, string key, bool deadline) => $"{scope}/{(deadline ? "deadline" : "verified")}/{key}";

    /// <summary>The entries one transaction stores and deletes, over all the books' writes in it, with their duplicated Scope.</summary>
    public static OwnedDocuments<WarningBookEntry> Batch(IDocumentStore store) => new(store, "scope", e => e.Id, e => e.Scope);

    /// <summary>The book as its document holds it: without its deadlines and verified evidence, which are entries of their own.</summary>
    public static WarningBook Outside(WarningBook book) =>
        book with { Deadlines = ImmutableDictionary<string, PendingDeadline>.Empty, Verified = ImmutableHashSet<string>.Empty };

    /// <summary>The book its document and its entries make together; a document stored before the entries holds them inside.</summary>
    public static WarningBook Into(WarningBook stored, IEnumerable<WarningBookEntry> entries)
    {
        var deadlines = stored.Deadlines.ToBuilder();
        var verified = stored.Verified.ToBuilder();
        foreach (var e in entries)
            if (e.Deadline is { } d) deadlines[e.Key] = d;
            else verified.Add(e.Key);
        return stored with { Deadlines = deadlines.ToImmutable(), Verified = verified.ToImmutable() };
    }

    /// <summary>
    /// What storing <paramref name="after"/> over <paramref name="before"/> takes: the entries new or changed, and the ids of
    /// those it no longer holds. <paramref name="inside"/>: <paramref name="before"/> was read from a document holding its
    /// entries inside, so every entry <paramref name="after"/> holds is stored (any also stored outside are written again).
    /// </summary>
    public static (ImmutableArray<WarningBookEntry> Stored, ImmutableArray<string> Gone) Changes(string scope, WarningBook before, WarningBook after, bool inside = false)
    {
        var stored = ImmutableArray.CreateBuilder<WarningBookEntry>();
        var gone = ImmutableArray.CreateBuilder<string>();
        if (inside || !ReferenceEquals(before.Deadlines, after.Deadlines))
        {
            foreach (var (key, deadline) in after.Deadlines)
                if (inside || !before.Deadlines.TryGetValue(key, out var was) || !Equals(was, deadline))
                    stored.Add(new WarningBookEntry { Id = IdOf(scope, key, deadline: true), Scope = scope, Key = key, Deadline = deadline });
            foreach (var key in before.Deadlines.Keys)
                if (!after.Deadlines.ContainsKey(key)) gone.Add(IdOf(scope, key, deadline: true));
        }
        if (inside || !ReferenceEquals(before.Verified, after.Verified))
        {
            foreach (var key in inside ? after.Verified : after.Verified.Except(before.Verified))
                stored.Add(new WarningBookEntry { Id = IdOf(scope, key, deadline: false), Scope = scope, Key = key });
            foreach (var key in before.Verified.Except(after.Verified))
                gone.Add(IdOf(scope, key, deadline: false));
        }
        return (stored.ToImmutable(), gone.ToImmutable());
    }
}
