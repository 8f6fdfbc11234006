/**
 * Task weighting and gradient balancing methods, found through {@link java.util.ServiceLoader} as
 * {@link org.mtl4j.api.weighting.TaskWeightingProvider}s by their short names: loss-level {@code
 * equal}, {@code static}, {@code uncertainty}, {@code dwa}, {@code rlw}, {@code gradnorm}, {@code
 * gls}, {@code famo}, {@code stch}; loss weighting from per-task gradients {@code db-mtl}, {@code
 * excess-mtl}; gradient-level {@code pcgrad}, {@code mgda}, {@code cagrad}, {@code upgrad}, {@code
 * imtl}, {@code nash-mtl}, {@code aligned-mtl}, {@code gradvac}, {@code graddrop}, {@code
 * fairgrad}, {@code moco}, {@code sdmgrad}. Gradient-level methods share {@code GradientBalancing}
 * (per-task gradients, Gram matrix on the device, one combination); their small inner solvers
 * ({@code MinNormSolver}, {@code DualConeProjection}, {@code AlphaFairAllocation}, {@code
 * SymmetricEigen}, {@code Simplex}) are bounded, reuse their work arrays and report non-convergence
 * through {@code SolverReport}.
 */
package org.mtl4j.weighting;
