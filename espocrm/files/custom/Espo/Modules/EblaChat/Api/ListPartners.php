<?php

namespace Espo\Modules\EblaChat\Api;

use Espo\Core\Api\Request;
use Espo\Modules\EblaChat\Classes\Input;

/** GET EblaChat/partners?q&offset&maxSize: the users the actor may chat with, {total, list}. */
class ListPartners extends Base
{
    protected function handle(Request $request): mixed
    {
        $options = ['acl' => $this->engine->aclOption()];
        $search = Input::queryString($request, 'q');

        if ($search !== null) {
            $options['search'] = $search;
        }

        foreach (['offset' => 'offset', 'maxSize' => 'limit'] as $param => $option) {
            $value = Input::queryInt($request, $param);

            if ($value !== null) {
                $options[$option] = $value;
            }
        }

        return ebla_chat_partners($this->engine->pdo(), $this->engine->actorId(), $options);
    }
}
