package io.keel.runtime.stream;

/**
 * A published event, already encoded once as its UTF-8 wire frame so that N clients cost N writes, not N encodings.
 * The frame array is shared and never modified.
 */
@SuppressWarnings("ArrayRecordComponent") // the encoded frame is written as is to every subscriber; never compared, never changed
record SseEvent(long id, byte[] frame) {
}
