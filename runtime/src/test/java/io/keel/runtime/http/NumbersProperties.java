package io.keel.runtime.http;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Numbers are ASCII digits and nothing else, whatever text comes in; parsing never throws. */
class NumbersProperties {
    @Provide
    Arbitrary<String> numberLike() {
        // digits of many scripts, signs, separators and letters, mixed with ASCII digits
        Arbitrary<Character> chars = Arbitraries.oneOf(Arbitraries.chars().range('0', '9'),
                Arbitraries.of('１', '٣', '۱', '१', '+', '-', '.', ' ', 'e', 'x', '\u0000', '\u00a0'),
                Arbitraries.chars().all());
        return chars.list().ofMaxSize(25).map(list -> {
            StringBuilder s = new StringBuilder();
            list.forEach(s::append);
            return s.toString();
        });
    }

    @Property(tries = 2000)
    void aValueIsParsedExactlyWhenItIsAsciiDigitsThatFitALong(@ForAll("numberLike") String text) {
        OptionalLong parsed = Numbers.parseNonNegative(text);
        boolean ascii = text.matches("[0-9]{1,19}");
        if (ascii && fitsLong(text)) {
            assertThat(parsed).hasValue(Long.parseLong(text));
        } else {
            assertThat(parsed).isEmpty();
        }
    }

    @Property(tries = 500)
    void everyNonNegativeLongRoundTrips(@ForAll long value) {
        long positive = value == Long.MIN_VALUE ? 0 : Math.abs(value);
        assertThat(Numbers.parseNonNegative(Long.toString(positive))).hasValue(positive);
    }

    private static boolean fitsLong(String digits) {
        try {
            Long.parseLong(digits);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
