"""engine.scalar_log reads mmengine's scalars.json and finds a work dir's runs, newest first."""
import pytest

from engine.scalar_log import read_scalar_records, run_logs


def test_runs_newest_first_and_records_in_order(tmp_path):
    for stamp in ('20261101_000000', '20261103_000000', '20261102_000000'):
        log = tmp_path / stamp / 'vis_data' / 'scalars.json'
        log.parent.mkdir(parents=True)
        log.write_text('{"loss": 2.0, "iter": 1, "step": 1}\n\n{"mIoU": 5.0, "step": 40}\n')
    (tmp_path / 'other' / 'vis_data').mkdir(parents=True)  # a folder without a log

    logs = run_logs(str(tmp_path))

    assert [p.split('/')[-3] for p in logs] == ['20261103_000000', '20261102_000000',
                                                '20261101_000000']
    assert read_scalar_records(logs[0]) == [{'loss': 2.0, 'iter': 1, 'step': 1},
                                            {'mIoU': 5.0, 'step': 40}]


@pytest.mark.parametrize('line, problem', [('{"loss": ', 'not json'),
                                           ('[1, 2]', 'not an mmengine scalar record'),
                                           ('{"loss": 1.0}', 'not an mmengine scalar record')])
def test_a_bad_line_is_named(tmp_path, line, problem):
    log = tmp_path / 'scalars.json'
    log.write_text('{"loss": 2.0, "step": 1}\n' + line + '\n')

    with pytest.raises(ValueError, match=f'scalars.json, line 2: {problem}'):
        read_scalar_records(str(log))
