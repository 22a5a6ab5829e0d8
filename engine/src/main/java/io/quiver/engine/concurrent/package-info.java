/** Running the engine's bulk jobs on a fixed number of threads. */
package io.quiver.engine.concurrent;
