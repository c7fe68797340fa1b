using Cargamos.Modular.Application.Webhooks;
using Cargamos.Modular.Domain.Webhooks;

namespace Cargamos.Modular.Application.Tests.Webhooks;

public sealed class RetryScheduleTests
{
    private static readonly IReadOnlyList<TimeSpan> Schedule = WebhookOptions.DefaultRetrySchedule;
    private static readonly TimeSpan Cap = TimeSpan.FromHours(24);

    [Fact]
    public void The_default_schedule_is_5s_5m_30m_2h_5h_10h_14h_20h_24h()
    {
        Assert.Equal(new[] { "00:00:05", "00:05:00", "00:30:00", "02:00:00", "05:00:00", "10:00:00", "14:00:00", "20:00:00", "1.00:00:00" },
            Schedule.Select(d => d.ToString("c")).ToArray());
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 300)]
    [InlineData(9, 86400)]
    public void Without_jitter_the_nth_failure_waits_the_nth_delay(int attemptsMade, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetrySchedule.NextDelay(Schedule, attemptsMade, 0.1, 0.5, null, Cap));

    [Fact]
    public void Jitter_moves_a_delay_by_at_most_ten_percent_either_way()
    {
        Assert.Equal(TimeSpan.FromMinutes(27), RetrySchedule.NextDelay(Schedule, 3, 0.1, 0.0, null, Cap));
        var highest = RetrySchedule.NextDelay(Schedule, 3, 0.1, 0.999999, null, Cap)!.Value;
        Assert.InRange(highest, TimeSpan.FromMinutes(32.99), TimeSpan.FromMinutes(33));
    }

    [Fact]
    public void After_the_tenth_attempt_there_is_no_next_one() =>
        Assert.Null(RetrySchedule.NextDelay(Schedule, 10, 0.1, 0.5, null, Cap));

    [Fact]
    public void Retry_after_is_a_floor_capped_at_the_maximum()
    {
        Assert.Equal(TimeSpan.FromSeconds(120), RetrySchedule.NextDelay(Schedule, 1, 0.1, 0.5, TimeSpan.FromSeconds(120), Cap));
        Assert.Equal(TimeSpan.FromMinutes(5), RetrySchedule.NextDelay(Schedule, 2, 0.1, 0.5, TimeSpan.FromSeconds(1), Cap));
        Assert.Equal(Cap, RetrySchedule.NextDelay(Schedule, 1, 0.1, 0.5, TimeSpan.FromDays(30), Cap));
        Assert.Null(RetrySchedule.NextDelay(Schedule, 10, 0.1, 0.5, TimeSpan.FromSeconds(1), Cap));
    }
}
