/**
 * Payloads as the engine reads them: key paths into a point's JSON payload ({@link
 * io.quiver.engine.payload.JsonPath}), and the per-segment field indexes over those paths ({@link
 * io.quiver.engine.payload.PayloadIndexes}) that map values to bitmaps of point offsets.
 */
package io.quiver.engine.payload;
