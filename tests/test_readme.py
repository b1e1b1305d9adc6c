"""The README's layout section matches the tree: every module it names exists, and every
package is named."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ('litehrnet', 'engine', 'pose', 'seg')


def layout_block() -> str:
    readme = (ROOT / 'README.md').read_text()
    section = readme.split('## How the code is organised', 1)[1]
    return section.split('```', 2)[1]


def entries():
    """(top-level folder, text) of each top-level entry of the layout block."""
    current, texts = None, {}
    for line in layout_block().splitlines():
        match = re.match(r'^(\w+)/ ', line)
        if match:
            current = match.group(1)
        if current:
            texts[current] = texts.get(current, '') + ' ' + line
    return texts


def test_every_named_module_exists():
    for folder, text in entries().items():
        files = [p.relative_to(ROOT / folder).as_posix()
                 for p in (ROOT / folder).rglob('*') if p.is_file()]
        for name in re.findall(r'[\w/]+\.py', text):
            assert any(f == name or f.endswith('/' + name) for f in files), \
                f'README names {folder}/.../{name}, which does not exist'


def test_every_package_is_named():
    texts = entries()
    for package in PACKAGES:
        for init in (ROOT / package).rglob('__init__.py'):
            folder = init.parent.relative_to(ROOT / package).as_posix()
            if folder == '.':
                continue
            assert f'{folder}/' in texts[package] or f'{folder.rsplit("/", 1)[-1]}/' in \
                texts[package], f'README does not name {package}/{folder}/'


def test_every_module_of_the_model_package_is_named():
    text = entries()['litehrnet']
    for module in (ROOT / 'litehrnet').rglob('*.py'):
        if module.name != '__init__.py':
            assert module.name in text, f'README does not name litehrnet/.../{module.name}'


def test_every_module_of_the_shared_runtime_package_is_named():
    text = entries()['engine']
    for module in (ROOT / 'engine').glob('*.py'):
        if module.name != '__init__.py':
            assert module.name in text, f'README does not name engine/{module.name}'
