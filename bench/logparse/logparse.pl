# logparse (peer of logparse.guji): parse a web-server log on stdin with one
# regex with named groups and report the requests and malformed lines, the
# requests per method and per status class (2xx, 3xx, ...), the total
# bytes, the mean latency (2 decimals) and the 5 most requested paths,
# numeric ids replaced by `:id` (by count descending, then path).
use strict;
use warnings;

my (%methods, %classes, %paths);
my ($requests, $malformed, $total_bytes, $total_ms) = (0, 0, 0, 0);
while (my $line = <STDIN>) {
    chomp $line;
    if ($line =~ /^(?<ts>\S+) (?<method>[A-Z]+) (?<path>\S+) (?<status>\d{3}) (?<bytes>\d+) (?<ms>\d+)ms$/) {
        my ($method, $path, $status, $bytes, $ms) = @+{qw(method path status bytes ms)};
        $requests++;
        $methods{$method}++;
        $classes{substr($status, 0, 1) . 'xx'}++;
        $path =~ s{/\d+}{/:id}g;
        $paths{$path}++;
        $total_bytes += $bytes;
        $total_ms += $ms;
    } else {
        $malformed++;
    }
}
print "requests $requests\nmalformed $malformed\n";
print "method $_ $methods{$_}\n" for sort keys %methods;
print "status $_ $classes{$_}\n" for sort keys %classes;
print "bytes $total_bytes\n";
printf "latency %.2fms\n", $total_ms / $requests;
my @top = sort { $paths{$b} <=> $paths{$a} || $a cmp $b } keys %paths;
print "path $_ $paths{$_}\n" for @top[0 .. ($#top < 4 ? $#top : 4)];
