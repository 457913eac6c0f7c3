/** params and flops as proxies: the network's parameter count and multiply-adds for one image (`profileModel`). */
import { profileModel } from '../../engine/profile.js';
import type { ProxyFamily, ProxyInput, ProxyName, ProxyScores } from './types.js';

export const sizeFamily: ProxyFamily = {
  names: ['params', 'flops'],
  compute(input: ProxyInput, wanted: readonly ProxyName[]): ProxyScores {
    const model = input.build('float32');
    try {
      const profile = profileModel(model, input.batch.images.shape.slice(1));
      const scores: ProxyScores = {};
      if (wanted.includes('params')) scores.params = profile.params;
      if (wanted.includes('flops')) scores.flops = profile.flops;
      return scores;
    } finally {
      model.dispose();
    }
  },
};
