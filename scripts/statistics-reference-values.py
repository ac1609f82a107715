#!/usr/bin/env python3
# Reference values for src/services/statistics/*.test.ts, computed independently
# of the TypeScript code with SciPy (run once: python3 scripts/statistics-reference-values.py).
# SciPy 1.17.1 / Python 3.11.7 produced the numbers pasted into the tests.
# Where SciPy has no routine, the textbook formula is evaluated here with SciPy's
# normal quantile, and the test says so.
import math
import scipy
from scipy import integrate, optimize, special, stats

print("scipy", scipy.__version__)

print("\n# normal cdf / sf / ppf")
for z in [-8, -5, -3, -1.96, -1, 0, 0.5, 1, 1.96, 2.5, 3, 5]:
    print(f"cdf({z}) = {stats.norm.cdf(z)!r}")
for z in [6, 8, 10]:
    print(f"sf({z}) = {stats.norm.sf(z)!r}")
for p in [1e-10, 0.001, 0.025, 0.2, 0.5, 0.8, 0.975, 0.999, 1 - 1e-10]:
    print(f"ppf({p!r}) = {stats.norm.ppf(p)!r}")

print("\n# gammaln")
for x in [0.1, 0.5, 1, 1.5, 2, 3.7, 10, 100.5, 1e4, 1e6]:
    print(f"gammaln({x}) = {special.gammaln(x)!r}")

print("\n# Wilson (binomtest.proportion_ci method='wilson')")
for k, n in [(81, 263), (15, 148), (0, 20), (1, 29), (0, 1), (1, 1), (50, 50), (7, 10)]:
    ci = stats.binomtest(k, n).proportion_ci(0.95, method="wilson")
    print(f"wilson({k}/{n}) = {ci.low!r}, {ci.high!r}")

print("\n# pooled z-test p-value = chi2_contingency(correction=False) p-value")
def ztest_case(x1, n1, x2, n2):
    chi2, p, _, _ = stats.chi2_contingency([[x1, n1 - x1], [x2, n2 - x2]], correction=False)
    print(f"control {x1}/{n1} variant {x2}/{n2}: chi2 {chi2!r} z {math.sqrt(chi2)!r} p {p!r}")
for case in [(56, 70, 48, 80), (480, 1000, 520, 1000), (300, 500, 330, 500), (9, 10, 1, 10), (700, 1000, 140, 200)]:
    ztest_case(*case)

print("\n# Agresti-Caffo difference interval (formula, z = norm.ppf(0.975))")
z = stats.norm.ppf(0.975)
def agresti_caffo(x1, n1, x2, n2):
    p1 = (x1 + 1) / (n1 + 2)
    p2 = (x2 + 1) / (n2 + 2)
    se = math.sqrt(p1 * (1 - p1) / (n1 + 2) + p2 * (1 - p2) / (n2 + 2))
    print(f"control {x1}/{n1} variant {x2}/{n2}: {p2 - p1 - z * se!r}, {p2 - p1 + z * se!r}")
for case in [(48, 80, 56, 70), (480, 1000, 520, 1000), (10, 10, 10, 10), (0, 5, 5, 5)]:
    agresti_caffo(*case)

print("\n# relative risk (Katz log interval): scipy.stats.contingency.relative_risk")
for x1, n1, x2, n2 in [(48, 80, 56, 70), (480, 1000, 520, 1000), (700, 1000, 140, 200)]:
    rr = stats.contingency.relative_risk(x2, n2, x1, n1)
    ci = rr.confidence_interval(0.95)
    print(f"control {x1}/{n1} variant {x2}/{n2}: rr-1 {rr.relative_risk - 1!r} ci {ci.low - 1!r}, {ci.high - 1!r}")

print("\n# P(p_B > p_A), Beta(1+up, 1+down): numerical integral of f_B(x) F_A(x)")
def beat(up_a, down_a, up_b, down_b):
    a = stats.beta(1 + up_a, 1 + down_a)
    b = stats.beta(1 + up_b, 1 + down_b)
    value, err = integrate.quad(lambda x: b.pdf(x) * a.cdf(x), 0, 1, limit=500, epsabs=1e-13, epsrel=1e-12,
                                points=[a.mean(), b.mean()])
    print(f"A {up_a}/{down_a} B {up_b}/{down_b}: {value!r} (err {err:.1e})")
for case in [(0, 0, 0, 0), (0, 0, 1, 0), (10, 10, 15, 5), (48, 32, 56, 14), (480, 520, 520, 480), (3000, 2000, 3050, 1950), (100, 0, 100, 0)]:
    beat(*case)
def beat_large(up_a, down_a, up_b, down_b):
    # Huge Betas are needles on [0, 1]: integrate over the central 1 - 2e-12 of both.
    a = stats.beta(1 + up_a, 1 + down_a)
    b = stats.beta(1 + up_b, 1 + down_b)
    lo, hi = min(a.ppf(1e-12), b.ppf(1e-12)), max(a.isf(1e-12), b.isf(1e-12))
    value, err = integrate.quad(lambda x: b.pdf(x) * a.cdf(x), lo, hi, limit=1000, epsabs=1e-13, epsrel=1e-12,
                                points=[a.mean(), b.mean()])
    print(f"A {up_a}/{down_a} B {up_b}/{down_b}: {value!r} (err {err:.1e})")
for case in [(201000, 203000, 202000, 202000), (250000, 250000, 250800, 249200)]:
    beat_large(*case)

print("\n# chi-square survival")
for x, df in [(3.841458820694124, 1), (10.827566170662733, 1), (13.815510557964274, 2), (16.26623619623813, 3), (0.5, 1), (1e-6, 1), (40, 3), (100, 4), (5, 7), (150, 1), (2, 10)]:
    print(f"chi2.sf({x!r}, {df}) = {stats.chi2.sf(x, df)!r}")
for q, df in [(0.95, 1), (0.999, 1), (0.999, 2), (0.999, 3)]:
    print(f"chi2.ppf({q}, {df}) = {stats.chi2.ppf(q, df)!r}")

print("\n# SRM: scipy.stats.chisquare")
for observed, shares in [([5000, 5000], [50, 50]), ([5000, 5200], [50, 50]), ([4880, 5120], [50, 50]), ([8000, 2100], [80, 20]), ([340, 330, 330], [34, 33, 33]), ([300, 330, 370], [34, 33, 33])]:
    total = sum(observed)
    expected = [total * s / sum(shares) for s in shares]
    result = stats.chisquare(observed, expected)
    print(f"srm {observed} {shares}: chi2 {result.statistic!r} p {result.pvalue!r}")

print("\n# fixed-horizon sample size (Fleiss, no continuity correction)")
def fleiss(p1, p2, r, alpha=0.05, power=0.8):
    za = stats.norm.ppf(1 - alpha / 2)
    zb = stats.norm.ppf(power)
    pbar = (p1 + r * p2) / (1 + r)
    root = za * math.sqrt(pbar * (1 - pbar) * (1 + 1 / r)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2) / r)
    n1 = root ** 2 / (p2 - p1) ** 2
    print(f"fleiss p1={p1} p2={p2} r={r}: n_control {n1!r} -> {math.ceil(n1)}, n_variant {math.ceil(math.ceil(n1) * r)}")
for args in [(0.5, 0.6, 1), (0.5, 0.55, 1), (0.7, 0.75, 1), (0.5, 0.55, 0.25), (0.98, 0.93, 1)]:
    fleiss(*args)

print("\n# sequential half-width (Waudby-Smith et al. eq. 9, rho from eq. 161)")
def halfwidth(s2, n, alpha, tuning):
    rho2 = (-2 * math.log(alpha) + math.log(-2 * math.log(alpha) + 1)) / tuning
    return math.sqrt(s2) * math.sqrt(2 * (n * rho2 + 1) / (n * n * rho2) * math.log(math.sqrt(n * rho2 + 1) / alpha))
for s2, n, tuning in [(1.0, 100, 3000), (1.0, 3000, 3000), (0.25, 5000, 5000), (0.21, 20000, 3000)]:
    print(f"halfwidth(s2={s2}, n={n}, alpha=0.05, n*={tuning}) = {halfwidth(s2, n, 0.05, tuning)!r}; fixed {z * math.sqrt(s2 / n)!r}")

print("\n# sequential sample size: smallest integer n_control with power >= 0.8 (brentq on the continuous power)")
def seq_n(p1, p2, r, tuning=5000, alpha=0.05, power=0.8):
    def excess(n):
        var = p1 * (1 - p1) / n + p2 * (1 - p2) / (r * n)
        total = n * (1 + r)
        return stats.norm.cdf((abs(p2 - p1) - halfwidth(var * total, total, alpha, tuning)) / math.sqrt(var)) - power
    root = optimize.brentq(excess, 10, 1e7, xtol=1e-9)
    n = math.ceil(root)
    print(f"sequential p1={p1} p2={p2} r={r}: n_control {root!r} -> {n}, n_variant {math.ceil(n * r)}")
for args in [(0.5, 0.55, 1), (0.7, 0.75, 1), (0.5, 0.55, 0.25), (0.9, 0.95, 1)]:
    seq_n(*args)
