package io.keel.store.images;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * High-quality resizing with Java2D. Shrinks by repeated bilinear halving: at exactly half size a bilinear sample
 * is the mean of a 2x2 block, so every source pixel counts (one big bilinear or nearest-neighbour step would skip
 * most of them and alias). The last step goes to the exact size. Stateless and thread-safe; CPU only.
 */
final class Resampler {
    private Resampler() {}

    /**
     * Returns {@code source} resized to exactly {@code width} x {@code height} as {@code TYPE_INT_ARGB} when
     * {@code keepAlpha} and the source has alpha, else {@code TYPE_INT_RGB} with any transparency flattened on white.
     */
    static BufferedImage resize(BufferedImage source, int width, int height, boolean keepAlpha) {
        boolean alpha = keepAlpha && source.getColorModel().hasAlpha();
        int type = alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
        boolean flatten = !alpha && source.getColorModel().hasAlpha();
        BufferedImage current = source;
        int w = source.getWidth();
        int h = source.getHeight();
        do {
            int nextW = w >= 2 * width ? w / 2 : width;
            int nextH = h >= 2 * height ? h / 2 : height;
            current = draw(current, nextW, nextH, type, flatten);
            flatten = false;
            w = nextW;
            h = nextH;
        } while (w != width || h != height);
        return current;
    }

    private static BufferedImage draw(BufferedImage source, int width, int height, int type, boolean onWhite) {
        BufferedImage target = new BufferedImage(width, height, type);
        Graphics2D g = target.createGraphics();
        try {
            if (onWhite) {
                g.setColor(Color.WHITE);
                g.fillRect(0, 0, width, height);
            }
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setRenderingHint(RenderingHints.KEY_COLOR_RENDERING, RenderingHints.VALUE_COLOR_RENDER_QUALITY);
            g.drawImage(source, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return target;
    }
}
