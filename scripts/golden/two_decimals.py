"""Python's two-decimal formatting of k/1000 for k = 0..1000 (f"{x:.2f}", what scikit-learn's
classification_report prints), for MetricsRoundingTest: 50 of these differ from Java's %.2f.

Run: /usr/bin/python3 scripts/golden/two_decimals.py
"""
import os

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'core', 'src', 'test', 'resources', 'golden', 'two_decimals.txt')
with open(OUT, 'w') as f:
    f.write(' '.join(f'{k / 1000:.2f}' for k in range(1001)) + '\n')
