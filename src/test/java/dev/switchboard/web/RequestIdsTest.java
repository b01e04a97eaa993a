package dev.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestIdsTest {

    @Test
    void anIdIsReqAnd24HexDigitsTheTimeFirst() {
        assertThat(RequestIds.next(0x0193_8a2b_4c5dL, 0xffff_0123_4567_89abL)).isEqualTo("req_01938a2b4c5d0123456789ab");
        assertThat(RequestIds.next()).matches("req_[0-9a-f]{24}");
    }

    @Test
    void idsMadeLaterSortLaterWhateverTheirRandomPart() {
        String earlier = RequestIds.next(1_764_900_000_000L, -1L);
        String later = RequestIds.next(1_764_900_000_001L, 0L);

        assertThat(earlier).isLessThan(later);
    }

    @Test
    void idsMadeInTheSameMillisecondDiffer() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(RequestIds.next());
        }

        assertThat(new HashSet<>(ids)).hasSize(ids.size());
    }

    @Test
    void aCallersUsableIdIsKeptAndAnUnusableOneReplaced() {
        assertThat(RequestIds.acceptOrCreate("trace-1234:abcd")).isEqualTo("trace-1234:abcd");
        assertThat(RequestIds.acceptOrCreate("bad id with spaces")).matches("req_[0-9a-f]{24}");
        assertThat(RequestIds.acceptOrCreate(null)).matches("req_[0-9a-f]{24}");
    }
}
