package io.keel.store.images;

import java.awt.Rectangle;

/**
 * The geometry of one thumbnail, worked out from the declared source size before any pixel is decoded: which source
 * region to decode (COVER crops here, so cropped pixels are never decoded), how coarsely the decoder may subsample it,
 * and the exact output size.
 *
 * @param region     the source rectangle that ends up in the thumbnail
 * @param subsampleX keep every n-th source column while decoding (1 = all)
 * @param subsampleY keep every n-th source row while decoding (1 = all)
 */
record ThumbnailPlan(Rectangle region, int subsampleX, int subsampleY, int outputWidth, int outputHeight) {

    static ThumbnailPlan of(int sourceWidth, int sourceHeight, ThumbnailSpec spec, boolean subsample) {
        double scaleX = (double) spec.width() / sourceWidth;
        double scaleY = (double) spec.height() / sourceHeight;
        Rectangle region;
        int outW;
        int outH;
        if (spec.fit() == Fit.CONTAIN) {
            double scale = Math.min(scaleX, scaleY);
            region = new Rectangle(0, 0, sourceWidth, sourceHeight);
            outW = clamp(Math.round(sourceWidth * scale), spec.width());
            outH = clamp(Math.round(sourceHeight * scale), spec.height());
        } else {
            double scale = Math.max(scaleX, scaleY);
            int regionW = clamp(Math.round(spec.width() / scale), sourceWidth);
            int regionH = clamp(Math.round(spec.height() / scale), sourceHeight);
            region = new Rectangle((sourceWidth - regionW) / 2, (sourceHeight - regionH) / 2, regionW, regionH);
            outW = spec.width();
            outH = spec.height();
        }
        // Decimating while decoding aliases fine detail, so it stops at twice the output size and the
        // area-averaging resize that follows does the rest of the reduction.
        int sx = subsample ? Math.max(1, region.width / (2 * outW)) : 1;
        int sy = subsample ? Math.max(1, region.height / (2 * outH)) : 1;
        return new ThumbnailPlan(region, sx, sy, outW, outH);
    }

    private static int clamp(long value, int max) {
        return (int) Math.max(1, Math.min(max, value));
    }
}
