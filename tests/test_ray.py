"""The build on a Ray cluster (`qa index --ray`): a local Ray started by the test runs the
reading, chunking, morphemes and embedding, and the index answers as one built in process."""

import numpy as np
import pytest

from conftest import ASCC, SEEDS
from qa import QA, Settings
from qa.index import build_index, load_index

ray = pytest.importorskip("ray")


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


def test_a_ray_build_is_the_build_made_here(local_ray, small_corpus, hash_settings, tmp_path):
    (small_corpus / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    here = build_index([small_corpus], hash_settings.index_dir, hash_settings)
    on_ray = hash_settings.model_copy(update={"index_dir": tmp_path / "ray-index", "ray_address": "auto"})
    report = build_index([small_corpus], on_ray.index_dir, on_ray)
    a, b = load_index(hash_settings.index_dir), load_index(on_ray.index_dir)
    assert [c.text for c in a.chunks] == [c.text for c in b.chunks]
    assert a.chunk_terms == b.chunk_terms
    assert np.allclose(a.dense.vectors(), b.dense.vectors()) and np.allclose(a.sentence_vectors, b.sentence_vectors)
    # A bad file is reported by name on Ray too, and the rest is indexed.
    assert {f.file: f.status for f in report.files}["broken.pdf"] == "error"
    assert [f.reason for f in report.errors] == [f.reason for f in here.errors]


@pytest.mark.e2e
def test_a_seed_report_built_on_ray_with_the_real_model_answers(local_ray, tmp_path):
    # One seed report: the real model in Ray's workers, at a fifth of the whole seeds' embedding time
    # (that the build is the one made here is checked above, with the hash embedder).
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / ASCC).write_bytes((SEEDS / ASCC).read_bytes())
    settings = Settings(index_dir=tmp_path / "index", corpus=[corpus], ray_address="auto")
    report = build_index([corpus], settings.index_dir, settings)
    assert report.embedded > 0 and not report.errors
    qa = QA.open(settings.model_copy(update={"ray_address": None}), build_if_stale=False)
    answer = qa.ask("서울시가 ASCC에서 무엇을 발표했나?")
    assert not answer.abstained and answer.citations[0].source == ASCC and "2050 탄소중립" in answer.answer
