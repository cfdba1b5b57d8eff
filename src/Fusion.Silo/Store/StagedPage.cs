namespace Fusion.Silo.Store;

/// <summary>
/// The page of the live-risk pass a grain has staged and not yet been told about, for the grains that stage pages (risk and
/// warning grains). The pass stages a page on the grains, stores their writes, then tells each grain it was stored
/// (<see cref="Committed"/>) or will not be (<see cref="DiscardAsync"/>). A grain staging a page while an earlier one was never
/// confirmed, or was given up unconfirmed, reads its state from the store first: only the store knows whether that page was
/// stored. An update outside a page waits for the page staged to be confirmed (<see cref="SettledAsync"/>).
/// </summary>
public sealed class StagedPage(TimeSpan settleWithin)
{
    Guid? page;
    TaskCompletionSource? confirmed;
    /// <summary>A staged page was given up unconfirmed (it may be stored yet): the next page reads the state from the store first.</summary>
    bool readBack;

    /// <summary>A page is staged and not yet confirmed or discarded.</summary>
    public bool Staging => page is not null;

    /// <summary>
    /// Stages onto <paramref name="next"/>: false when it is the page staged already (go on from what it staged); true when it
    /// starts, after reading the state from the store (<paramref name="read"/>) if an earlier page is unconfirmed or was given up.
    /// </summary>
    public async Task<bool> StartAsync(Guid next, Func<Task> read)
    {
        if (page == next) return false;
        if (page is not null || readBack) await read();
        readBack = false;
        page = next;
        return true;
    }

    /// <summary>True when <paramref name="stored"/> is the page staged here, which then ends: its staged state is now the grain's.</summary>
    public bool Committed(Guid stored)
    {
        if (page != stored) return false;
        End();
        return true;
    }

    /// <summary>The page staged here will not be stored as staged: the state is read from the store again (<paramref name="read"/>).</summary>
    public async Task DiscardAsync(Guid dropped, Func<Task> read)
    {
        if (page != dropped) return;
        await read();
        End();
    }

    /// <summary>
    /// An update outside a page waits until the page staged here is confirmed (its writes, made without the update, would
    /// otherwise overwrite it) or, when no word comes within the time given, reads the state from the store
    /// (<paramref name="read"/>) and gives the page up.
    /// </summary>
    public async Task SettledAsync(Func<Task> read)
    {
        if (page is null) return;
        confirmed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await Task.WhenAny(confirmed.Task, Task.Delay(settleWithin));
        if (page is null) return;
        await read();
        End();
        readBack = true;
    }

    /// <summary>Whatever is staged is dropped (the grain's state was reset): no page is staged.</summary>
    public void Drop() => End();

    /// <summary>Nothing staged any more; an update outside a page that waits for it goes on.</summary>
    void End()
    {
        page = null;
        confirmed?.TrySetResult();
        confirmed = null;
    }
}
