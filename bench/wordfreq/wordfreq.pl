# wordfreq (peer of wordfreq.guji): word frequencies: read English-like
# text on stdin, lower-case it, take the words as the maximal runs of
# [a-z], count them in a hash and print the 20 most frequent as
# `word count`, by count descending then word.
use strict;
use warnings;

my %counts;
while (my $line = <STDIN>) {
    $counts{$_}++ for lc($line) =~ /[a-z]+/g;
}
my @top = sort { $counts{$b} <=> $counts{$a} || $a cmp $b } keys %counts;
splice @top, 20 if @top > 20;
print "$_ $counts{$_}\n" for @top;
