"""Fixtures of the inference API tests."""
import pytest
import torch


@pytest.fixture
def one_thread():
    """Run the test with one torch thread, and restore the count after it."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
