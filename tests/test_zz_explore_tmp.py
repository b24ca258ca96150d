from hypothesis import given, settings
from tests.test_properties import RANDOM, TEXT_CASES, renders_literally

@settings(RANDOM, max_examples=400)
@given(TEXT_CASES)
def test_explore(case):
    renders_literally(case)
