package io.quiver.engine.wal;

import io.quiver.engine.store.CorruptFileException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a log's files when it is opened and checks every frame of every file. The one repair it
 * makes is to cut a torn tail: frames at the end of the newest file that are incomplete or fail
 * their checksum, with no valid frame after them, are what a crash during a write leaves behind and
 * were never acknowledged as durable. Anything else that is wrong, anywhere, is a {@link
 * CorruptFileException} naming the file and byte offset: a bad frame followed by a valid one, a bad
 * frame in an older file, a sequence out of order, a file missing between two others.
 */
final class WalRecovery {

  private static final Logger LOG = LoggerFactory.getLogger(WalRecovery.class);

  /** What recovery found: the files, oldest first, the last sequence, and the newest file's end. */
  record Result(List<WalSegment> segments, long lastSequence, long lastFileEnd) {}

  private WalRecovery() {}

  /**
   * Recovers the log in {@code dir}, creating its first file, starting at {@code startSequence},
   * when the directory holds none.
   */
  static Result recover(Path dir, long startSequence) throws IOException {
    List<WalSegment> segments = listFiles(dir);
    if (segments.isEmpty()) {
      Path file = WalFormat.createFile(dir, startSequence);
      LOG.info("Created WAL {} starting at sequence {}", file, startSequence);
      return new Result(
          List.of(new WalSegment(file, startSequence)), startSequence - 1, WalFormat.HEADER_LENGTH);
    }
    long expectedSequence = -1;
    long end = -1;
    for (int i = 0; i < segments.size(); i++) {
      WalSegment segment = segments.get(i);
      boolean newest = i == segments.size() - 1;
      try (WalFileReader reader = WalFileReader.open(segment.path())) {
        if (reader.firstSequence() != segment.firstSequence()) {
          throw new CorruptFileException(
              segment.path(),
              "WAL header first sequence "
                  + reader.firstSequence()
                  + " does not match the file name's "
                  + segment.firstSequence());
        }
        if (expectedSequence >= 0 && segment.firstSequence() != expectedSequence) {
          throw new CorruptFileException(
              segment.path(),
              "WAL file starts at sequence "
                  + segment.firstSequence()
                  + " but the previous file "
                  + segments.get(i - 1).path().getFileName()
                  + " ends at sequence "
                  + (expectedSequence - 1)
                  + "; records are missing or duplicated");
        }
        long[] scanned = scan(reader, newest);
        expectedSequence = scanned[0];
        end = scanned[1];
      }
    }
    return new Result(segments, expectedSequence - 1, end);
  }

  /**
   * Checks every frame of one file; returns {next sequence, offset after the last good frame}. Cuts
   * a torn tail off the newest file.
   */
  private static long[] scan(WalFileReader reader, boolean newest) throws IOException {
    long sequence = reader.firstSequence();
    long pos = WalFormat.HEADER_LENGTH;
    while (pos < reader.size()) {
      String problem = reader.checkFrame(pos);
      if (problem == null) {
        if (reader.sequence() != sequence) {
          throw reader.corrupt(
              pos, "frame has sequence " + reader.sequence() + ", expected " + sequence);
        }
        pos += reader.frameSize();
        sequence++;
        continue;
      }
      if (!newest) {
        throw reader.corrupt(pos, problem + " in a WAL file that is not the newest");
      }
      long valid = reader.findValidFrameAfter(pos, sequence);
      if (valid >= 0) {
        throw reader.corrupt(
            pos,
            problem
                + " (expected sequence "
                + sequence
                + "), followed by a valid frame at byte offset "
                + valid);
      }
      LOG.warn(
          "Cutting the torn tail of WAL file {}: {} bytes from byte offset {} ({}); the log ends"
              + " at sequence {}",
          reader.file(),
          reader.size() - pos,
          pos,
          problem,
          sequence - 1);
      try (FileChannel channel = FileChannel.open(reader.file(), StandardOpenOption.WRITE)) {
        channel.truncate(pos);
        channel.force(true);
      }
      break;
    }
    return new long[] {sequence, pos};
  }

  /** The WAL files in {@code dir}, oldest first; deletes temporary files a crash left behind. */
  private static List<WalSegment> listFiles(Path dir) throws IOException {
    List<WalSegment> segments = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path path : stream) {
        String name = path.getFileName().toString();
        long firstSequence = WalFormat.parseFileName(name);
        if (firstSequence >= 0) {
          segments.add(new WalSegment(path, firstSequence));
        } else if (WalFormat.isTempFile(name)) {
          LOG.info("Deleting {}, a WAL file whose creation did not finish", path);
          Files.delete(path);
        }
      }
    }
    segments.sort(Comparator.comparingLong(WalSegment::firstSequence));
    return segments;
  }
}
