--TEST--
ebla_chat_generate_id(): EspoCRM-shaped 17-hex ids, strictly time-ordered in a process, unique across processes; UUIDv4 mode
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
$ids = [];
for ($i = 0; $i < 20000; $i++) {
    $ids[] = ebla_chat_generate_id();
}
echo "shape: ", count(preg_grep('/^[0-9a-f]{17}$/', $ids)) === count($ids) ? 'all 17 lowercase hex' : 'wrong', "\n";
$sorted = $ids;
sort($sorted, SORT_STRING);
echo "ordered: ", var_export($sorted === $ids, true), ", unique: ", var_export(count(array_unique($ids)) === count($ids), true), "\n";
echo "time prefix = now: ", var_export(abs(hexdec(substr($ids[0], 0, 8)) - time()) <= 2, true), "\n";
echo "like uniqid(): ", var_export(strlen(uniqid()) + 4 === strlen($ids[0]), true), "\n";

$outs = ec_race(4, 'ec_start(json_decode($argv[1], true)); for ($i = 0; $i < 5000; $i++) echo ebla_chat_generate_id(), "\n";', []);
$all = array_merge(...array_map(fn($o) => array_filter(explode("\n", $o)), $outs));
echo "4 processes at once: ", count($all), " ids, ", count(array_unique($all)), " unique\n";

ini_set('ebla_chat.id_type', 'uuid4');
$u = ebla_chat_generate_id();
echo "uuid4: ", preg_match('/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/', $u) ? 'valid v4' : "bad $u", "\n";
ini_set('ebla_chat.id_type', 'id');
echo "back: ", strlen(ebla_chat_generate_id()), "\n";
?>
--EXPECT--
shape: all 17 lowercase hex
ordered: true, unique: true
time prefix = now: true
like uniqid(): true
4 processes at once: 20000 ids, 20000 unique
uuid4: valid v4
back: 17
