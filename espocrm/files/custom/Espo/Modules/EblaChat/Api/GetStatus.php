<?php

namespace Espo\Modules\EblaChat\Api;

use Espo\Core\Api\Request;
use Espo\Core\Exceptions\Forbidden;

/** GET EblaChat/status (admins): the extension's version and the Redis fan-out state. */
class GetStatus extends Base
{
    protected function handle(Request $request): mixed
    {
        if (!$this->engine->user()->isAdmin()) {
            throw new Forbidden('Administrators only.');
        }

        return [
            'version' => ebla_chat_version(),
            'fanout' => ebla_chat_fanout_status(),
        ];
    }
}
