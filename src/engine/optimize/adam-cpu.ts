// Adam (Kingma & Ba) with bias correction, in place over a flat parameter array.

export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

export class Adam {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;

  constructor(size: number, { lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 }: AdamOptions) {
    if (!(lr > 0)) throw new Error(`Adam lr must be > 0, got ${lr}`);
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  get steps(): number {
    return this.t;
  }

  /**
   * params -= lr * mhat / (sqrt(vhat) + eps); `lr` overrides the constructor's for this step
   * (schedules). A non-finite gradient component (a float16 loss graph that overflowed) counts
   * as 0: that point coasts on its momentum instead of turning into NaN.
   */
  step(params: Float32Array | Float64Array, grad: ArrayLike<number>, lr = this.lr): void {
    if (params.length !== this.m.length || grad.length !== this.m.length) {
      throw new Error(`Adam: expected ${this.m.length} params and grads, got ${params.length} and ${grad.length}`);
    }
    this.t++;
    const c1 = 1 - this.beta1 ** this.t,
      c2 = 1 - this.beta2 ** this.t;
    for (let i = 0; i < params.length; i++) {
      const g = Number.isFinite(grad[i]) ? grad[i] : 0;
      this.m[i] = this.beta1 * this.m[i] + (1 - this.beta1) * g;
      this.v[i] = this.beta2 * this.v[i] + (1 - this.beta2) * g * g;
      params[i] -= (lr * (this.m[i] / c1)) / (Math.sqrt(this.v[i] / c2) + this.eps);
    }
  }
}
