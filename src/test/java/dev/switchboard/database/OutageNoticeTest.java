package dev.switchboard.database;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutageNoticeTest {

    @Test
    void tellsTheStartOfAnOutageOnceAndItsEndOnce() {
        OutageNotice notice = new OutageNotice();

        assertThat(notice.recovers()).as("a success with no outage before it").isFalse();
        assertThat(notice.startsFailing()).isTrue();
        assertThat(notice.startsFailing()).as("the same outage again").isFalse();
        assertThat(notice.failing()).isTrue();
        assertThat(notice.recovers()).isTrue();
        assertThat(notice.recovers()).as("already told").isFalse();
        assertThat(notice.failing()).isFalse();
        assertThat(notice.startsFailing()).as("a new outage").isTrue();
    }
}
