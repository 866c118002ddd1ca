"""conlleval mode against a small Perl script written at test time from SPEC §3's rules
(not a copy of conlleval.pl): Perl's own split, sort, printf and byte-width padding
decide the text, so the Python emulation's reading of those is checked byte for byte.
Skipped when no perl interpreter is installed.
"""
from __future__ import annotations

import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqeval_suite import evaluate
from seqeval_suite.render import render_report

PERL = shutil.which("perl")
pytestmark = pytest.mark.skipif(PERL is None, reason="perl is not installed")

# SPEC §3 in Perl: split on single spaces, boundary lines, tag split, the two chunk
# rules, the four counting steps, and the report layout.
SCRIPT = r'''
use strict; use warnings;
my ($n, $tokens, $ctags, $inc) = (-1, 0, 0, 0);
my ($lg, $lgt, $lp, $lpt) = ("O", "", "O", "");
my (%gold, %found, %corr);
sub tag { my $t = shift; if ($t =~ /^([^-]*)-(.*)$/) { return ($1, $2 ? $2 : ""); } return ($t, ""); }
sub endc { my ($p, $c, $pt, $ct) = @_;
  return 1 if ($p eq "B" || $p eq "I") && ($c eq "B" || $c eq "O");
  return 1 if $p eq "E" && ($c eq "E" || $c eq "I" || $c eq "O");
  return 1 if $p ne "O" && $p ne "." && $pt ne $ct;
  return 1 if $p eq "[" || $p eq "]";
  return 0; }
sub startc { my ($p, $c, $pt, $ct) = @_;
  return 1 if $c eq "B" && ($p eq "B" || $p eq "I" || $p eq "O");
  return 1 if $c eq "I" && ($p eq "O" || $p eq "E");
  return 1 if $c eq "E" && ($p eq "E" || $p eq "O");
  return 1 if $c ne "O" && $c ne "." && $pt ne $ct;
  return 1 if $c eq "[" || $c eq "]";
  return 0; }
while (my $line = <STDIN>) {
  chomp $line;
  my @f = split(/ /, $line);
  if ($n < 0) { $n = scalar(@f) if @f; } elsif (@f && scalar(@f) != $n) { exit 1; }
  my $boundary = (!@f || $f[0] eq "-X-");
  my ($g, $gt, $p, $pt) = ("O", "", "O", "");
  if (!$boundary) { ($p, $pt) = tag($f[-1]); ($g, $gt) = tag($f[-2]); }
  my $ge = endc($lg, $g, $lgt, $gt); my $pe = endc($lp, $p, $lpt, $pt);
  my $gs = startc($lg, $g, $lgt, $gt); my $ps = startc($lp, $p, $lpt, $pt);
  if ($inc) {
    if ($ge && $pe && $lpt eq $lgt) { $inc = 0; $corr{$lgt}++; }
    elsif ($ge != $pe || $pt ne $gt) { $inc = 0; } }
  $inc = 1 if $gs && $ps && $pt eq $gt;
  $gold{$gt}++ if $gs;
  $found{$pt}++ if $ps;
  if (!$boundary) { $ctags++ if $g eq $p && $gt eq $pt; $tokens++; }
  ($lg, $lgt, $lp, $lpt) = ($g, $gt, $p, $pt);
}
$corr{$lgt}++ if $inc;
my ($G, $F, $C) = (0, 0, 0);
$G += $_ for values %gold; $F += $_ for values %found; $C += $_ for values %corr;
printf "processed %d tokens with %d phrases; found: %d phrases; correct: %d.\n", $tokens, $G, $F, $C;
sub prf { my ($c, $f, $g) = @_; my $pr = $f > 0 ? 100*$c/$f : 0; my $rc = $g > 0 ? 100*$c/$g : 0;
  my $fb = $pr + $rc > 0 ? 2*$pr*$rc/($pr+$rc) : 0; return ($pr, $rc, $fb); }
if ($tokens > 0) {
  my ($pr, $rc, $fb) = prf($C, $F, $G);
  printf "accuracy: %6.2f%%; precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f\n", 100*$ctags/$tokens, $pr, $rc, $fb; }
my @types; my $last;
foreach my $t (sort (keys %gold, keys %found)) {
  push @types, $t if !$last || $last ne $t; $last = $t; }
foreach my $t (@types) {
  my ($pr, $rc, $fb) = prf($corr{$t} || 0, $found{$t} || 0, $gold{$t} || 0);
  printf "%17s: precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f  %d\n", $t, $pr, $rc, $fb, $found{$t} || 0; }
'''

TAGS = ["O", "O", "O", "B-PER", "I-PER", "E-PER", "S-LOC", "B-LOC", "I-LOC", "L-X", "U-X", "B", "I", "E", "X",
        "I-0", "B-ORG-GOV", "I-ORG-GOV", "[", "]", ".", "B-Évian", "I-Évian", "B-apple", "B-Zeta"]


@st.composite
def one_file(draw):
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        for _ in range(draw(st.integers(1, 8))):
            lines.append(f"w {draw(st.sampled_from(TAGS))} {draw(st.sampled_from(TAGS))}")
        lines.append(draw(st.sampled_from(["", "", "-X- O O", "-DOCSTART- O O"])))
    text = "\n".join(lines) + "\n"
    return text if draw(st.booleans()) else text.rstrip("\n") + "\n"


@settings(max_examples=120, deadline=None)
@given(text=one_file())
def test_core_conlleval_text_equals_a_perl_script_of_spec_rules(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("p") / "in.txt"
    path.write_bytes(text.encode("utf-8"))
    expected = subprocess.run([PERL, "-e", SCRIPT], input=text.encode("utf-8"), capture_output=True, check=True)
    report = evaluate(str(path), mode="conlleval")
    assert render_report(report, "conlleval").encode("utf-8") == expected.stdout


def test_core_conlleval_perl_script_rounds_23_of_160_up():
    text = "".join(("w B-X B-X\n\n" if k < 23 else "w O B-X\n\n") for k in range(160))
    out = subprocess.run([PERL, "-e", SCRIPT], input=text.encode(), capture_output=True, check=True).stdout
    assert b"precision:  14.38%" in out


SPLIT_PATTERNS = [" ", "\\t", " +", "x*", " ?", "\\s*", "(-)", "a|", " |\\t", "(?:)", "(x)|-"]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(SPLIT_PATTERNS),
       st.lists(st.text(alphabet="ab -\tx", max_size=8), min_size=1, max_size=30))
def test_delimiter_splits_as_perl_split(pattern, lines):
    """``--delimiter`` in conlleval mode is conlleval.pl's ``-d``: a regex given to Perl's
    split, whose empty matches (never at the start or where the last match ended),
    captured groups and dropped trailing empty fields differ from ``re.split``."""
    from seqeval_suite.conlleval import split_perl

    script = ('while (my $l = <STDIN>) { chomp $l; my @f = split(/' + pattern + '/, $l); '
              'print join("\\x01", map { defined $_ ? $_ : "" } @f), "\\x02\\n"; }')
    out = subprocess.run([PERL, "-e", script], input="\n".join(lines) + "\n", capture_output=True, text=True,
                         check=True).stdout
    expected = [[] if row == "" else row.split("\x01") for row in out.split("\x02\n")[:-1]]
    assert [split_perl(line, pattern) for line in lines] == expected


@pytest.mark.parametrize("text", ["", "\n\n", " \n", "-X- O O\n\n-X- O O\n"])
def test_input_without_tokens_reports_zero_tokens_as_perl_does(tmp_path, text):
    """conlleval.pl prints its first line for 0 tokens (SPEC §3: the rest only when N > 0)
    and exits 0; so does conlleval mode, with a warning."""
    from click.testing import CliRunner

    from seqeval_suite.cli import main

    path = tmp_path / "in.txt"
    path.write_bytes(text.encode())
    expected = subprocess.run([PERL, "-e", SCRIPT], input=text.encode(), capture_output=True, check=True).stdout
    assert expected == b"processed 0 tokens with 0 phrases; found: 0 phrases; correct: 0.\n"
    result = CliRunner().invoke(main, ["evaluate", str(path), "--mode", "conlleval", "-f", "conlleval"])
    assert result.exit_code == 0 and result.stdout.encode() == expected
    assert "no tokens to score; conlleval.pl reports 0 tokens" in result.stderr
