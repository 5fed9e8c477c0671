package dev.relay.common.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StorableTextTest {

    @Test
    void ordinaryTextIncludingPairedSurrogatesIsStorable() {
        assertThat(StorableText.problem("plain, ünïcödé and an emoji \uD83D\uDE00")).isNull();
        assertThat(StorableText.problem("")).isNull();
    }

    @Test
    void aNulCharacterIsNot() {
        assertThat(StorableText.problem("a\u0000b")).isEqualTo("contains a NUL character");
    }

    @Test
    void aLoneSurrogateIsNotWhereverItStands() {
        assertThat(StorableText.problem("\uD83D")).isEqualTo("contains an unpaired UTF-16 surrogate");
        assertThat(StorableText.problem("x\uDE00y")).isEqualTo("contains an unpaired UTF-16 surrogate");
        assertThat(StorableText.problem("\uD83D\uD83D\uDE00")).isEqualTo("contains an unpaired UTF-16 surrogate");
    }
}
