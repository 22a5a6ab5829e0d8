/**
 * What every Quiver file shares: the header and checksum footer ({@link
 * io.quiver.engine.store.FileFormat}), atomic writing (temp file, fsync, rename) and verified
 * read-only mapping.
 */
package io.quiver.engine.store;
