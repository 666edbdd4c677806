package app.devskyy.llm.metering;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Micro-dollars (how costs are counted) and dollars (how callers read and set them). */
public final class Money {

    private Money() {}

    public static BigDecimal usd(long micros) {
        return BigDecimal.valueOf(micros, 6);
    }

    public static long micros(double usd) {
        return BigDecimal.valueOf(usd)
                .movePointRight(6)
                .setScale(0, RoundingMode.DOWN)
                .longValueExact();
    }
}
