# regexredux (peer of regexredux.guji): the Benchmarks Game regex-redux,
# single-threaded, with Perl's regexes: strip the headers and newlines,
# count the 9 variant patterns, apply the 5 IUB substitutions, print the lengths.
use strict;
use warnings;

local $/;
my $seq = <STDIN>;
my $ilen = length $seq;
$seq =~ s/>.*\n|\n//g;
my $clen = length $seq;
my @variants = qw/agggtaaa|tttaccct [cgt]gggtaaa|tttaccc[acg] a[act]ggtaaa|tttacc[agt]t
  ag[act]gtaaa|tttac[agt]ct agg[act]taaa|ttta[agt]cct aggg[acg]aaa|ttt[cgt]ccct
  agggt[cgt]aa|tt[acg]accct agggta[cgt]a|t[acg]taccct agggtaa[cgt]|[acg]ttaccct/;
for my $v (@variants) {
    my $n = () = $seq =~ /$v/g;
    print "$v $n\n";
}
my @subs = ('tHa[Nt]', '<4>', 'aND|caN|Ha[DS]|WaS', '<3>', 'a[NSt]|BY', '<2>',
            '<[^>]*>', '|', '\\|[^|][^|]*\\|', '-');
while (my ($re, $rep) = splice @subs, 0, 2) {
    $seq =~ s/$re/$rep/g;
}
print "\n$ilen\n$clen\n", length($seq), "\n";
