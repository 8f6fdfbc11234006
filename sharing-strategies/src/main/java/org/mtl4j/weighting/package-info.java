/**
 * Task weighting and gradient balancing methods, found through {@link java.util.ServiceLoader} as
 * {@link org.mtl4j.api.weighting.TaskWeightingProvider}s by their short names: loss-level {@code
 * equal}, {@code static}, {@code uncertainty}, {@code dwa}, {@code rlw}, {@code gradnorm}, {@code
 * gls}, {@code famo}, {@code stch}; loss weighting from per-task gradients {@code db-mtl}, {@code
 * excess-mtl}; gradient-level {@code pcgrad}, {@code mgda}, {@code cagrad}.
 */
package org.mtl4j.weighting;
