#!/usr/bin/env python3
"""Sharded annoconv conversion on Dask distributed.

One task per shard runs the annoconv CLI (`convert ... --shard I/N --summary ...`) on a worker;
Dask places the tasks and retries a failed one (`retries=`); a shard whose output and summary are
already there is not run again (resume after a failure). The shard outputs are then joined by
`annoconv merge --summaries`, and the totals printed.

    python3 examples/dask/annoconv_dask.py INPUT --to coco -o merged.json --shards 8 \
        [--scheduler tcp://host:8786] [--work DIR] [--retries 2] [-- EXTRA CONVERT ARGS]

Without --scheduler, a LocalCluster of --workers processes (default 2) is started. Paths must be
visible to every worker (a shared file system) and `node` and annoconv installed there.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CLI = os.path.join(HERE, '..', '..', 'bin', 'annoconv.js')


def run_shard(cli, input_path, to, out, summary, index, count, extra):
    """Runs one shard on a worker; returns its summary. Raises on a failed run, so Dask retries."""
    if os.path.exists(out) and os.path.exists(summary):
        with open(summary) as f:
            return json.load(f)['summary']  # done by an earlier attempt or run
    cmd = ['node', cli, 'convert', input_path, '--to', to, '-o', out, '--shard', f'{index}/{count}',
           '--summary', summary, '-q'] + list(extra)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode not in (0, 1) or not os.path.exists(summary):
        raise RuntimeError(f'shard {index}/{count} failed ({r.returncode}): {r.stderr.strip()[-2000:]}')
    with open(summary) as f:
        return json.load(f)['summary']


def shard_paths(work, to, count, index):
    ext = '' if to in ('voc', 'yolo', 'sa1b') else '.json'
    return os.path.join(work, f'shard-{index}-of-{count}{ext}'), os.path.join(work, f'shard-{index}-of-{count}.summary.json')


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('input')
    p.add_argument('--to', required=True)
    p.add_argument('-o', '--output', required=True)
    p.add_argument('--shards', type=int, required=True)
    p.add_argument('--scheduler', help='address of a running Dask scheduler; absent: a LocalCluster')
    p.add_argument('--workers', type=int, default=2, help='LocalCluster worker processes')
    p.add_argument('--work', help='folder for shard outputs and summaries (default: OUTPUT.shards)')
    p.add_argument('--retries', type=int, default=2)
    p.add_argument('--cli', default=DEFAULT_CLI, help='path of bin/annoconv.js on the workers')
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = argv[argv.index('--') + 1:] if '--' in argv else []
    a = p.parse_args(argv[:argv.index('--')] if '--' in argv else argv)
    a.extra = [os.path.abspath(x) if os.path.exists(x) else x for x in extra]
    from distributed import Client, LocalCluster

    work = os.path.abspath(a.work or a.output + '.shards')
    os.makedirs(work, exist_ok=True)
    cluster = None
    if a.scheduler:
        client = Client(a.scheduler)
    else:
        cluster = LocalCluster(n_workers=a.workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        futures = []
        for i in range(a.shards):
            out, summary = shard_paths(work, a.to, a.shards, i)
            futures.append(client.submit(run_shard, os.path.abspath(a.cli), os.path.abspath(a.input), a.to, out, summary,
                                         i, a.shards, a.extra, key=f'annoconv-shard-{i}-of-{a.shards}', retries=a.retries, pure=False))
        summaries = client.gather(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    outs = [shard_paths(work, a.to, a.shards, i)[0] for i in range(a.shards)]
    sums = [shard_paths(work, a.to, a.shards, i)[1] for i in range(a.shards)]
    merged_summary = os.path.join(work, 'merge.summary.json')
    r = subprocess.run(['node', a.cli, 'merge', *outs, '--to', a.to, '-o', a.output, '--summaries', *sums,
                        '--summary', merged_summary, '-q'], capture_output=True, text=True)
    if r.returncode not in (0, 1):
        sys.stderr.write(r.stderr)
        return r.returncode
    with open(merged_summary) as f:
        totals = json.load(f)['summary']['totals']
    print(json.dumps({'shards': len(summaries), 'read': totals['read'], 'written': totals['written'],
                      'rejected': totals['rejected'], 'leftOut': totals['leftOut'], 'losses': totals['losses']}))
    return 0 if totals['rejected'] == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
