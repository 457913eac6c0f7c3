import { grad, noGrad } from '../../engine/autograd.js';
import { engine } from '../../engine/binding.js';
import { scope } from '../../engine/memory.js';
import { clone, detach } from '../../engine/ops/shape.js';
import { norm } from '../../engine/ops/reduction.js';
import type { Tensor } from '../../engine/tensor.js';
import type { ArchParameters } from '../arch.js';
import type { CellSpec } from '../cell-spec.js';
import type { ArchWeights, Supernet } from '../supernet.js';
import { lossOf, OneShotMethod, setGrads, type StepContext, type StepResult, type TensorBatch } from './method.js';

/** a ← a + s·b, outside the graph (parameters are leaves). */
function addInPlace(a: Tensor, b: Tensor, s: number): void {
  engine().inplace(0, a.nativeHandle, b.nativeHandle, null, s);
}

/** a ← b. */
function copyInPlace(a: Tensor, b: Tensor): void {
  engine().inplace(4, a.nativeHandle, b.nativeHandle, null, 0);
}

/**
 * The second-order (unrolled) architecture gradient of DARTS, ∇α L_val(w', α) with
 * w' = w − ξ (∇w L_train(w, α) + λ w):
 *   ∇α L_val(w', α) − ξ · [∇α L_train(w⁺, α) − ∇α L_train(w⁻, α)] / 2ε,  w± = w ± ε ∇w' L_val(w', α),
 * ε = radius / ‖∇w' L_val(w', α)‖ (the paper's finite-difference Hessian-vector product, radius 0.01). The weights
 * are restored afterwards; only α's gradients are set. Deviation: the virtual step has no momentum
 * term (the paper's code adds the optimizer's momentum buffer).
 */
export function unrolledArchGradient(net: Supernet, arch: ArchParameters, weightsOf: (detached: boolean) => ArchWeights, train: TensorBatch, val: TensorBatch, xi: number, weightDecay: number, radius = 0.01): StepResult & { grads: Tensor[] } {
  const params = net.parameters();
  const archParams = arch.list();
  const saved = noGrad(() => params.map((p) => clone(detach(p))));
  try {
    // Each pass runs in its own memory scope, so only one forward graph is alive at a time (the
    // four passes' activations held together until the step's end made this step's peak memory
    // four times a first-order step's); what a pass returns moves to this function's scope.
    // w' = w − ξ (∇w L_train + λ w)
    scope(() => {
      const trainLoss = lossOf(net, weightsOf(true), train).loss;
      const gw = grad(trainLoss, params, { allowUnused: true });
      params.forEach((p, i) => {
        if (gw[i]) addInPlace(p, gw[i]!, -xi);
        if (weightDecay > 0) addInPlace(p, saved[i], -xi * weightDecay);
      });
    });
    // ∇α and ∇w' of L_val(w', α)
    const { valValue, correct, dAlpha, dW } = scope(() => {
      const { loss: valLoss, correct } = lossOf(net, weightsOf(false), val);
      const g = grad(valLoss, [...archParams, ...params], { allowUnused: true });
      return { valValue: valLoss.item(), correct, dAlpha: g.slice(0, archParams.length), dW: g.slice(archParams.length) };
    });
    let sq = 0;
    for (const t of dW) if (t) sq += scope(() => norm(t).item()) ** 2;
    const eps = radius / Math.max(Math.sqrt(sq), 1e-12);
    const archGradAt = (sign: number): (Tensor | null)[] =>
      scope(() => {
        params.forEach((p, i) => {
          copyInPlace(p, saved[i]);
          if (dW[i]) addInPlace(p, dW[i]!, sign * eps);
        });
        return grad(lossOf(net, weightsOf(false), train).loss, archParams, { allowUnused: true });
      });
    const plus = archGradAt(1);
    const minus = archGradAt(-1);
    const grads = archParams.map((a, i) => {
      let out = dAlpha[i] ?? a.mul(0);
      if (plus[i] && minus[i]) out = out.sub(plus[i]!.sub(minus[i]!), xi / (2 * eps));
      return out;
    });
    return { loss: valValue, correct, grads };
  } finally {
    params.forEach((p, i) => copyInPlace(p, saved[i]));
  }
}

/** Second-order DARTS: the unrolled architecture gradient above, ξ the weights' current learning rate. */
export class Darts2 extends OneShotMethod {
  constructor(spec: CellSpec) {
    super('darts2', spec);
  }

  override archGradient(net: Supernet, arch: ArchParameters, train: TensorBatch, val: TensorBatch, ctx: StepContext): StepResult {
    const r = unrolledArchGradient(net, arch, (detached) => this.weights(arch, ctx, detached), train, val, ctx.weightLr, ctx.weightDecay);
    setGrads(arch.list(), r.grads);
    return { loss: r.loss, correct: r.correct };
  }
}
