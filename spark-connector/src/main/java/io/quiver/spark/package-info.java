/**
 * The Spark DataSource V2 {@code quiver}: a batch write builds a collection's segments on the
 * executors and publishes them as a new version (a snapshot folder with an atomic manifest), and a
 * read gives a version back as a DataFrame. The Spark-free parts (local builds, uploads, the
 * version commit) live in {@code io.quiver.engine.snapshot.store}.
 */
package io.quiver.spark;
