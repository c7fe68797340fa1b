namespace Cargamos.Modular.Domain.Webhooks;

/// <summary>When the next attempt of a message happens, if any.</summary>
public static class RetrySchedule
{
    /// <summary>
    /// The delay before the next attempt after <paramref name="attemptsMade"/> failed attempts (1 after the first), or null
    /// when the schedule is exhausted. <paramref name="jitterSample"/> in [0, 1) moves the delay by up to ±<paramref name="jitter"/>;
    /// a <paramref name="retryAfter"/> from the receiver (capped at <paramref name="maxRetryAfter"/>) is a floor.
    /// </summary>
    public static TimeSpan? NextDelay(
        IReadOnlyList<TimeSpan> schedule, int attemptsMade, double jitter, double jitterSample, TimeSpan? retryAfter, TimeSpan maxRetryAfter)
    {
        if (attemptsMade < 1 || attemptsMade > schedule.Count)
        {
            return null;
        }

        var scheduled = schedule[attemptsMade - 1] * (1 + jitter * (2 * jitterSample - 1));
        if (retryAfter is { } asked)
        {
            var floor = asked > maxRetryAfter ? maxRetryAfter : asked;
            return floor > scheduled ? floor : scheduled;
        }

        return scheduled;
    }
}
