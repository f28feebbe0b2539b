<?php

namespace Espo\Modules\EblaChat\Classes\WebSocket;

/** A Redis error reply ("-ERR ..."). */
class RespError
{
    public function __construct(public readonly string $message) {}
}
