"""Writes bench/results/mutation.md from PIT's mutations.xml files (one per group) in a folder:
the score per group (killed / all, and test strength: killed / covered), the commit and day each
group was measured at (its GROUP.at file, written by scripts/mutation beside the XML) and every
surviving or uncovered mutant. Usage: mutation-report.py DIR OUT.md"""
import datetime
import os
import sys
import xml.etree.ElementTree as ET

src, out = sys.argv[1], sys.argv[2]
# verdicts kept by hand: class, method, line, mutation (a prefix of PIT's description), verdict; tab-separated
VERDICTS = {}
vfile = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'bench', 'results', 'mutation-verdicts.tsv')
if os.path.exists(vfile):
    for row in open(vfile, encoding='utf-8'):
        if row.strip() and not row.startswith('#'):
            c, m, l, d, v = row.rstrip('\n').split('\t')
            VERDICTS[(c, m, l, d)] = v


def verdict(c, m, l, d):
    for (vc, vm, vl, vd), v in VERDICTS.items():
        if vc == c and vm == m and vl == l and d.startswith(vd):
            return v
    return 'open'

rows, survivors = [], []
for f in sorted(os.listdir(src)):
    if not f.endswith('.xml'):
        continue
    g = f[:-4]
    ms = list(ET.parse(os.path.join(src, f)).getroot())
    n = len(ms)
    killed = sum(m.get('status') in ('KILLED', 'TIMED_OUT', 'MEMORY_ERROR') for m in ms)
    nocov = sum(m.get('status') == 'NO_COVERAGE' for m in ms)
    at = os.path.join(src, g + '.at')
    rows.append((g, n, killed, nocov, n - killed - nocov, open(at).read().strip() if os.path.exists(at) else '?'))
    for m in ms:
        if m.get('status') in ('SURVIVED', 'NO_COVERAGE'):
            survivors.append((g, m.find('mutatedClass').text, m.find('mutatedMethod').text, m.find('lineNumber').text,
                              m.find('description').text, m.get('status')))
cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), '?')
with open(out, 'w') as o:
    o.write('# Mutation testing (PIT)\n\n')
    o.write(f'Written {datetime.date.today()} by `scripts/mutation` (PIT 1.20.4 with its JUnit 5 plugin, the core tests '
            f'except fuzz, soak and CUDA; default mutators). Machine: {cpu}, {os.cpu_count()} cores. Each group is run on its own '
            f'("measured at": the commit, + when the tree had changes, and the day); tests added since a group\'s run can only '
            f'kill more, so its score is a lower bound. Verdicts other than open come from bench/results/mutation-verdicts.tsv.\n\n')
    o.write('Score = killed (or timed out) / all mutants; strength = killed / mutants some test covers. '
            'The target is a score of at least 85% per group.\n\n')
    o.write('| group | mutants | killed | score | no coverage | survived | strength | measured at |\n'
            '|---|---:|---:|---:|---:|---:|---:|---|\n')
    for g, n, k, nc, s, at in rows:
        o.write(f'| {g} | {n} | {k} | {100 * k / n:.0f}% | {nc} | {s} | {100 * k / max(1, n - nc):.0f}% | {at} |\n')
    o.write('\n## Surviving and uncovered mutants\n\nVerdict: "killed by <test>" once a test kills it, "equivalent: <why>" when '
            'no test can, "open" until then.\n\n| group | class | method | line | mutation | status | verdict |\n|---|---|---|---:|---|---|---|\n')
    for g, c, m, l, d, st in survivors:
        short = c.replace("dev.brasa.", "")
        o.write(f'| {g} | {short} | {m} | {l} | {d} | {st} | {verdict(short, m, l, d)} |\n')
print('wrote', out, 'with', len(rows), 'groups and', len(survivors), 'surviving or uncovered mutants')
