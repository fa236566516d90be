#!/usr/bin/env python3
# Writes tests/corpus/rtp_streams_truth.json: tshark's `-z rtp,streams` figures for every capture of
# ../shared/corpus whose truth file says it has RTP, with the capture's tshark options (truth-options.json).
# The truth of issue 15's corpus test (tests/corpus/rtp_streams_test.cpp). Run from the project root:
#   tests/corpus/make_rtp_truth.py [CORPUS_DIR]
import json
import os
import subprocess
import sys

corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join('..', 'shared', 'corpus')
options = json.load(open(os.path.join(corpus, 'truth-options.json')))


def streams(relative):
    args = options.get(relative, {}).get('args', [])
    out = subprocess.run(['tshark', '-n', '-r', os.path.join(corpus, relative), '-q', '-z', 'rtp,streams'] + args,
                         capture_output=True, text=True, check=True).stdout
    rows = []
    in_table = False
    for line in out.splitlines():
        if 'Start time' in line:
            in_table = True
            continue
        if not in_table or not line.strip() or line.startswith('='):
            continue
        # start end src port dst port ssrc PAYLOAD... pkts lost (pct) min_d mean_d max_d min_j mean_j max_j [X]
        fields = line.split()
        problems = fields[-1] == 'X'
        if problems:
            fields = fields[:-1]
        tail = fields[-9:]
        rows.append({
            'src': fields[2] + ':' + fields[3],
            'dst': fields[4] + ':' + fields[5],
            'ssrc': fields[6].upper().replace('0X', '0x'),
            'payload': ' '.join(fields[7:-9]),
            'packets': int(tail[0]),
            'lost': int(tail[1]),
            'max_delta_ms': float(tail[5]),
            'mean_jitter_ms': float(tail[7]),
            'max_jitter_ms': float(tail[8]),
            'problems': problems,
        })
    return rows


truth = {}
for folder, _, files in sorted(os.walk(os.path.join(corpus, 'captures'))):
    for name in sorted(files):
        if not name.endswith('.truth.json'):
            continue
        relative = os.path.relpath(os.path.join(folder, name[:-len('.truth.json')]), corpus)
        if not json.load(open(os.path.join(folder, name))).get('rtp', {}).get('seen'):
            continue
        truth[relative] = streams(relative)
version = subprocess.run(['tshark', '-v'], capture_output=True, text=True).stdout.splitlines()[0]
out = {'tool': version, 'command': 'tshark -n -r CAPTURE -q -z rtp,streams [truth-options.json args]',
       'captures': truth}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'rtp_streams_truth.json'), 'w') as f:
    json.dump(out, f, indent=1, sort_keys=True)
    f.write('\n')
print(f'{len(truth)} captures, {sum(len(s) for s in truth.values())} streams')
