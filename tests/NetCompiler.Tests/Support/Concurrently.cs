namespace NetCompiler.Tests.Support;

/// <summary>Runs the same test body on several threads at once, for the thread-safety tests.</summary>
internal static class Concurrently
{
    /// <summary>
    /// Runs <c>body(thread, startTogether)</c> on <paramref name="threadCount"/> new threads and returns each thread's
    /// result; <c>startTogether</c> waits until every thread has reached it, so the work after it overlaps in time.
    /// Fails the test if any thread threw.
    /// </summary>
    public static T[] Run<T>(int threadCount, Func<int, Action, T> body)
    {
        var results = new T[threadCount];
        var failures = new Exception?[threadCount];
        using var barrier = new Barrier(threadCount);
        var threads = Enumerable.Range(0, threadCount).Select(t => new Thread(() =>
        {
            try
            {
                results[t] = body(t, () => barrier.SignalAndWait());
            }
            catch (Exception e)
            {
                failures[t] = e;
            }
        })).ToArray();

        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.All(failures, failure => Assert.Null(failure));
        return results;
    }
}
