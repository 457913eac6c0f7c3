/** Every tensor op as a function (Tensor methods are sugar for these). */
export * from './creation.js';
export * from './elementwise.js';
export * from './reduction.js';
export * from './shape.js';
export * from './nn.js';
export * from './loss.js';
