--TEST--
EspoCRM package: files parse, metadata makes the chat tables, routes and classes, REST layer on SQLite, messager parts, build
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/espocrm/static.php';
?>
--EXPECTF--
espocrm package: %d checks, 0 failed
