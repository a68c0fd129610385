package io.keel.bench.scenario;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.ImageIO;

/** Generates test images in-process (no files in the repository). Stateless. */
public final class TestImages {
    private TestImages() {
    }

    /** A {@code width x height} JPEG with gradients and shapes, so it compresses like a photo-ish image. */
    public static byte[] jpeg(int width, int height, long seed) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setPaint(new GradientPaint(0, 0, Color.ORANGE, width, height, Color.BLUE));
            g.fillRect(0, 0, width, height);
            Random r = new Random(seed);
            for (int i = 0; i < 400; i++) {
                g.setColor(new Color(r.nextInt(0xFFFFFF)));
                g.fillOval(r.nextInt(width), r.nextInt(height), 10 + r.nextInt(width / 8), 10 + r.nextInt(height / 8));
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, "jpg", out)) {
                throw new IllegalStateException("no JPEG writer in this JDK");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
