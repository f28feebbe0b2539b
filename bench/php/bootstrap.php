<?php
/* The benchmark's classes, for the scripts in bench/. */

declare(strict_types=1);

require __DIR__ . '/Common.php';
require __DIR__ . '/EspoWay.php';
require __DIR__ . '/SameAlgorithm.php';
require __DIR__ . '/CExt.php';
require __DIR__ . '/Dataset.php';
