#!/usr/bin/python3
"""Reference implementation, in Python with numpy and scipy, of the method
behind `simsa rank` and the user component of `simsa score`: Bradley–Terry
maximum-likelihood strengths from pairwise votes and their 95% intervals by
a cluster bootstrap over raters and prompts (docs/scoring.md). bench/bench_bt
runs it side by side with simsa's C code on the same votes and the same
resamples, and compares both the time and the intervals.

It is written the way a careful statistician would write it in numpy: votes
reduced once to (pair, outcome) codes, each resample a weighted np.bincount
over the votes, and the same Newton iteration as the C code (exact gradient
and Hessian, Cholesky solve with scipy.linalg, step halving, theta_0 = 0),
each resample started from the point estimate as simsa does.

usage: bt_reference.py VOTES MULTS OUT N_ENTRANTS N_RATERS N_PROMPTS RESAMPLES MUCH_WEIGHT
  VOTES  int32 records (left, right, outcome, much, rater, prompt);
         outcome 0 left, 1 right, 2 tie, 3 both bad (counted as a tie)
  MULTS  uint16 multiplicities, per resample the raters' then the prompts'
  OUT    JSON written here: point ratings and interval bounds (Elo scale)
Prints the seconds the bootstrap took (fitting included, reading excluded).
"""
import json
import sys
import time

import numpy as np
from scipy.linalg import cho_factor, cho_solve


def loglik(w, theta):
    d = theta[:, None] - theta[None, :]
    # log sigma(d) = -log(1 + exp(-d)); the diagonal of w is 0
    return -np.sum(w * np.logaddexp(0.0, -d))


def fit(w, start=None):
    """Bradley–Terry MLE strengths (geometric mean 1) from a wins matrix,
    Newton's method from the strengths start (default all equal)."""
    n = w.shape[0]
    nij = w + w.T
    wins = w.sum(axis=1)
    theta = np.zeros(n) if start is None else np.log(start) - np.log(start[0])
    for _ in range(200):
        l0 = loglik(w, theta)
        p = 1.0 / (1.0 + np.exp(theta[None, :] - theta[:, None]))
        grad = wins - (nij * p).sum(axis=1)
        h = nij * p * (1.0 - p)
        info = -h
        np.fill_diagonal(info, h.sum(axis=1) - np.diag(h))
        step = np.zeros(n)
        step[1:] = cho_solve(cho_factor(info[1:, 1:]), grad[1:])
        big = np.max(np.abs(step))
        t = 1.0
        for _ in range(60):
            trial = theta + t * step
            if loglik(w, trial) >= l0 - 1e-12 * abs(l0):
                break
            t /= 2
        theta = trial
        if big * t < 1e-13 or (big < 1e-8 and t < 1):
            break
    else:
        raise RuntimeError("no convergence")
    return np.exp(theta - theta.mean())


def main():
    votes_path, mults_path, out_path = sys.argv[1:4]
    n, n_raters, n_prompts, resamples, much = (int(a) for a in sys.argv[4:9])
    v = np.fromfile(votes_path, dtype=np.int32).reshape(-1, 6)
    left, right, outcome, is_much, rater, prompt = (v[:, k] for k in range(6))
    mults = np.fromfile(mults_path, dtype=np.uint16).reshape(resamples, n_raters + n_prompts)

    # Each vote once as (wins of left over right, wins of right over left).
    won = np.where(is_much == 1, float(much), 1.0)
    lw = np.where(outcome == 0, won, np.where(outcome >= 2, 0.5, 0.0))
    rw = np.where(outcome == 1, won, np.where(outcome >= 2, 0.5, 0.0))
    keep = left != right
    lr = (left * n + right)[keep]
    rl = (right * n + left)[keep]
    lw, rw, rater, prompt = lw[keep], rw[keep], rater[keep], prompt[keep]

    def wins_matrix(rm, pm):
        m = rm[rater] * pm[prompt]
        return (np.bincount(lr, weights=m * lw, minlength=n * n) +
                np.bincount(rl, weights=m * rw, minlength=n * n)).reshape(n, n)

    ones_r, ones_p = np.ones(n_raters), np.ones(n_prompts)
    strength = fit(wins_matrix(ones_r, ones_p))
    point = 1000.0 + 400.0 * np.log10(strength)

    start = time.perf_counter()
    reps = np.empty((resamples, n))
    for b in range(resamples):
        rm = mults[b, :n_raters].astype(np.float64)
        pm = mults[b, n_raters:].astype(np.float64)
        reps[b] = 1000.0 + 400.0 * np.log10(fit(wins_matrix(rm, pm), strength))
    low, high = np.percentile(reps, [2.5, 97.5], axis=0)  # type 7, as simsa
    seconds = time.perf_counter() - start

    with open(out_path, "w") as f:
        json.dump({"rating": point.tolist(), "low": low.tolist(), "high": high.tolist(),
                   "seconds": seconds}, f)
    print(f"{seconds:.3f}")


if __name__ == "__main__":
    main()
