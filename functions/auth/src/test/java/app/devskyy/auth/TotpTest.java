package app.devskyy.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class TotpTest {

    /** The SHA-1 seed of RFC 6238, appendix B. */
    static final byte[] RFC_SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    @Test
    void rfc6238TestVectors() {
        assertThat(Totp.code(RFC_SECRET, Totp.step(59), 8)).isEqualTo("94287082");
        assertThat(Totp.code(RFC_SECRET, Totp.step(1111111109), 8)).isEqualTo("07081804");
        assertThat(Totp.code(RFC_SECRET, Totp.step(1111111111), 8)).isEqualTo("14050471");
        assertThat(Totp.code(RFC_SECRET, Totp.step(1234567890), 8)).isEqualTo("89005924");
        assertThat(Totp.code(RFC_SECRET, Totp.step(2000000000), 8)).isEqualTo("69279037");
        assertThat(Totp.code(RFC_SECRET, Totp.step(20000000000L), 8)).isEqualTo("65353130");
        assertThat(Totp.code(RFC_SECRET, Totp.step(59), 6)).isEqualTo("287082");
    }

    @Test
    void oneStepOfSkewIsAcceptedTwoAreNot() {
        long now = 1_795_300_000L;
        String current = Totp.code(RFC_SECRET, Totp.step(now), 6);
        String previous = Totp.code(RFC_SECRET, Totp.step(now) - 1, 6);
        String next = Totp.code(RFC_SECRET, Totp.step(now) + 1, 6);
        String twoBack = Totp.code(RFC_SECRET, Totp.step(now) - 2, 6);
        String twoAhead = Totp.code(RFC_SECRET, Totp.step(now) + 2, 6);
        assertThat(Totp.match(RFC_SECRET, current, now)).isEqualTo(OptionalLong.of(Totp.step(now)));
        assertThat(Totp.match(RFC_SECRET, previous, now)).isEqualTo(OptionalLong.of(Totp.step(now) - 1));
        assertThat(Totp.match(RFC_SECRET, next, now)).isEqualTo(OptionalLong.of(Totp.step(now) + 1));
        for (String code : new String[] {twoBack, twoAhead}) {
            if (!code.equals(current) && !code.equals(previous) && !code.equals(next)) {
                assertThat(Totp.match(RFC_SECRET, code, now)).isEmpty();
            }
        }
        assertThat(Totp.match(RFC_SECRET, "12345", now)).isEmpty();
        assertThat(Totp.match(RFC_SECRET, "abcdef", now)).isEmpty();
        assertThat(Totp.match(RFC_SECRET, null, now)).isEmpty();
    }

    @Test
    void base32AndTheOtpauthUri() {
        assertThat(Totp.base32("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXW6YTBOI");
        assertThat(Totp.base32(RFC_SECRET)).isEqualTo("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assertThat(Totp.uri("DevSkyy", "ada+1@example.com", RFC_SECRET))
                .isEqualTo("otpauth://totp/DevSkyy:ada%2B1%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                        + "&issuer=DevSkyy&algorithm=SHA1&digits=6&period=30");
        assertThat(Totp.newSecret()).hasSize(20);
    }

    @Test
    void theQrCodeIsAPngThatReadsBackAsTheUri() throws Exception {
        String uri = Totp.uri("DevSkyy", "ada@example.com", RFC_SECRET);
        byte[] png = QrPng.of(uri);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        String decoded = new QRCodeReader()
                .decode(new BinaryBitmap(
                        new HybridBinarizer(new RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels))))
                .getText();
        assertThat(decoded).isEqualTo(uri);
    }
}
