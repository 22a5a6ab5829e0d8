/**
 * What can change a shard: plain, serializable operation values applied through one entry point,
 * and their binary codec for the log.
 */
package io.quiver.engine.operation;
