package dev.switchboard.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

    @Test
    void allowsABurstOfItsCapacityThenSaysHowLongToWait() {
        TokenBucket bucket = new TokenBucket(3, 60_000, 0);

        assertThat(bucket.tryTake(0)).isZero();
        assertThat(bucket.tryTake(0)).isZero();
        assertThat(bucket.tryTake(0)).isZero();
        assertThat(bucket.tryTake(0)).as("one token per 20 s").isEqualTo(20_000);
        assertThat(bucket.tryTake(5_000)).isEqualTo(15_000);
    }

    @Test
    void refillsEvenlyUpToItsCapacity() {
        TokenBucket bucket = new TokenBucket(2, 1_000, 0);
        bucket.tryTake(0);
        bucket.tryTake(0);

        assertThat(bucket.tryTake(499)).isPositive();
        assertThat(bucket.tryTake(500)).isZero();
        assertThat(bucket.tryTake(10_000)).isZero();
        assertThat(bucket.tryTake(10_000)).isZero();
        assertThat(bucket.tryTake(10_000)).as("never more than the capacity saved up").isPositive();
    }
}
