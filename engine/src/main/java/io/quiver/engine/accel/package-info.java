/**
 * Accelerators: the batched kernels a segment build spends its time in (exact top-k of many queries
 * against many vectors, the k-nearest-neighbour graph of a block of vectors, k-means), behind one
 * interface. {@link io.quiver.engine.accel.CpuAccelerator} is the reference every other
 * implementation is tested against; others (the {@code gpu} module's CUDA one) are found at run
 * time through {@link io.quiver.engine.accel.AcceleratorProvider} and chosen once by {@link
 * io.quiver.engine.accel.Accelerators}. The engine never imports them.
 */
package io.quiver.engine.accel;
