# knucleotide (peer of knucleotide.guji): the Benchmarks Game k-nucleotide,
# single-threaded: read the THREE section of the fasta output on stdin;
# print the frequencies (percent, %.3f) of the 1- and 2-mers, sorted by
# frequency descending then key, then the counts of GGT, GGTA, GGTATT,
# GGTATTTTAATT and GGTATTTTAATTTATAGT, each k-mer counted in a hash.
use strict;
use warnings;

sub count {
    my ($seq, $k) = @_;
    my %h;
    my $last = length($seq) - $k;
    $h{substr($seq, $_, $k)}++ for 0 .. $last;
    return \%h;
}

while (<STDIN>) { last if /^>THREE/ }
my @parts;
while (<STDIN>) {
    last if /^>/;
    chomp;
    push @parts, $_;
}
my $seq = uc join '', @parts;
for my $k (1, 2) {
    my $h = count($seq, $k);
    my $total = length($seq) - $k + 1;
    for my $key (sort { $h->{$b} <=> $h->{$a} || $a cmp $b } keys %$h) {
        printf "%s %.3f\n", $key, 100.0 * $h->{$key} / $total;
    }
    print "\n";
}
for my $f (qw(GGT GGTA GGTATT GGTATTTTAATT GGTATTTTAATTTATAGT)) {
    printf "%d\t%s\n", count($seq, length $f)->{$f} // 0, $f;
}
