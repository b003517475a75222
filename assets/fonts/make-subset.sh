#!/bin/sh
# Reproduces NotoSansKR-Hangul.otf, the Hangul font the PNG charts fall back
# to for glyphs DejaVu Sans lacks: the modern Hangul syllables (U+AC00–D7A3)
# and the Hangul Jamo blocks (U+1100–11FF, U+3130–318F, U+A960–A97F,
# U+D7B0–D7FF) of Noto Sans CJK KR Regular, cut with fontTools' pyftsubset
# from Debian's fonts-noto-cjk 1:20220127+repack1-1 (NotoSansCJK-Regular.ttc,
# font number 1). Licence: SIL OFL 1.1, see OFL.txt beside this script.
#
# usage: assets/fonts/make-subset.sh [fonts-noto-cjk_*.deb]
# Without an argument the package is fetched with `apt-get download` (it is
# also on snapshot.debian.org). Needs dpkg-deb and pyftsubset
# (`pip install fonttools`; 4.68.0 gives these very bytes).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ $# -ge 1 ]; then
    deb=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
else
    (cd "$work" && apt-get download 'fonts-noto-cjk=1:20220127+repack1-1')
    deb=$(ls "$work"/fonts-noto-cjk_*.deb)
fi
dpkg-deb -x "$deb" "$work/root"
ttc="$work/root/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
echo "b76b0433203017ca80401b2ee0dd69350349871c4b19d504c34dbdd80541690a  $ttc" | sha256sum -c -

# Every name record in every language is kept: the copyright and licence
# notices travel with the font, as the OFL asks.
pyftsubset "$ttc" --font-number=1 \
    --unicodes='U+AC00-D7A3,U+1100-11FF,U+3130-318F,U+A960-A97F,U+D7B0-D7FF' \
    --name-IDs='*' --name-languages='*' \
    --output-file="$here/NotoSansKR-Hangul.otf"
sha256sum "$here/NotoSansKR-Hangul.otf"
echo "expected f2fa63ed7392bda87497c21f7bafc08050e38b697d918119b9fb39f0c6de6c51 with fontTools 4.68.0"
