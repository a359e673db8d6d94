// SPDX-License-Identifier: Apache-2.0
// The DESC payload: a version, then every field of DescriptionText in declaration order (strings
// u32 length + bytes, lists u32 count + items, integers i64, doubles as binary64 bits).
#include "runtime/desc/description_text.h"

#include "runtime/src/format.h"

namespace mace_tune::desc {
namespace {

constexpr uint16_t kDescVersion = 1;

using detail::ByteReader;
using detail::ByteWriter;

void PutList(ByteWriter* w, const std::vector<std::string>& list) {
  w->U32(static_cast<uint32_t>(list.size()));
  for (const auto& s : list) w->Str(s);
}

// Every list item takes at least 4 bytes, so a count beyond remaining()/4 is a lie: refused before
// anything is allocated.
bool Count(ByteReader* r, uint32_t* n) {
  *n = r->U32();
  return !r->failed() && *n <= r->remaining() / 4;
}

bool GetList(ByteReader* r, std::vector<std::string>* list) {
  uint32_t n = 0;
  if (!Count(r, &n)) return false;
  list->clear();
  for (uint32_t i = 0; i < n && !r->failed(); ++i) list->push_back(r->Str());
  return !r->failed();
}

template <typename T, typename Put>
void PutItems(ByteWriter* w, const std::vector<T>& items, Put put) {
  w->U32(static_cast<uint32_t>(items.size()));
  for (const auto& item : items) put(item);
}

template <typename T, typename Get>
bool GetItems(ByteReader* r, std::vector<T>* items, Get get) {
  uint32_t n = 0;
  if (!Count(r, &n)) return false;
  items->assign(n, T());
  for (auto& item : *items) {
    get(&item);
    if (r->failed()) return false;
  }
  return true;
}

void PutArg(ByteWriter* w, const ArgText& a) {
  for (const std::string* s : {&a.name, &a.kind, &a.type, &a.value, &a.divisor, &a.size}) w->Str(*s);
  PutList(w, a.shape);
  for (const std::string* s : {&a.image, &a.access, &a.fill}) w->Str(*s);
  w->I64(a.seed);
  w->Str(a.when);
}

void GetArg(ByteReader* r, ArgText* a) {
  for (std::string* s : {&a->name, &a->kind, &a->type, &a->value, &a->divisor, &a->size}) *s = r->Str();
  if (!GetList(r, &a->shape)) return;
  for (std::string* s : {&a->image, &a->access, &a->fill}) *s = r->Str();
  a->seed = r->I64();
  a->when = r->Str();
}

void PutVerify(ByteWriter* w, const VerifyText& v) {
  for (const std::string* s : {&v.reference, &v.kernel, &v.kernel_source, &v.kernel_options}) w->Str(*s);
  PutList(w, v.kernel_global);
  PutList(w, v.kernel_local);
  w->Str(v.accumulate);
  w->F64(v.rtol);
  w->F64(v.atol);
}

bool GetVerify(ByteReader* r, VerifyText* v) {
  for (std::string* s : {&v->reference, &v->kernel, &v->kernel_source, &v->kernel_options}) *s = r->Str();
  if (!GetList(r, &v->kernel_global) || !GetList(r, &v->kernel_local)) return false;
  v->accumulate = r->Str();
  v->rtol = r->F64();
  v->atol = r->F64();
  return !r->failed();
}

}  // namespace

std::vector<uint8_t> EncodeDescription(const DescriptionText& d) {
  ByteWriter w;
  w.U16(kDescVersion);
  for (const std::string* s : {&d.name, &d.program, &d.function}) w.Str(*s);
  w.U8(d.builtin ? 1 : 0);
  PutList(&w, d.dtypes);
  PutList(&w, d.dims);
  const auto named = [&w](const NamedText& n) { w.Str(n.name), w.Str(n.text); };
  const auto check = [&w](const CheckText& c) { w.Str(c.expr), w.Str(c.why), w.U8(c.prune ? 1 : 0); };
  PutItems(&w, d.lets, named);
  PutItems(&w, d.checks, check);
  PutItems(&w, d.params, [&w](const ParamText& p) {
    w.Str(p.name);
    w.U32(static_cast<uint32_t>(p.values.size()));
    for (const int64_t v : p.values) w.I64(v);
    w.Str(p.values_expr);
    w.Str(p.define);
    w.U8(p.has_missing ? 1 : 0);
    w.I64(p.missing);
  });
  PutItems(&w, d.constraints, check);
  PutItems(&w, d.defines, [&w](const DefineText& f) { w.Str(f.name), w.Str(f.value), w.Str(f.when); });
  w.Str(d.build_options);
  PutList(&w, d.global);
  PutList(&w, d.local);
  w.U8(d.round_global ? 1 : 0);
  w.Str(d.local_memory);
  PutItems(&w, d.defaults, named);
  PutItems(&w, d.args, [&w](const ArgText& a) { PutArg(&w, a); });
  PutVerify(&w, d.verify);
  w.Str(d.flops);
  w.Str(d.bytes);
  PutList(&w, d.test_keys);
  w.Str(d.source);
  return std::move(w.bytes());
}

bool DecodeDescription(const uint8_t* data, size_t size, DescriptionText* out, std::string* error) {
  ByteReader r(data, size);
  DescriptionText d;
  const uint16_t version = r.U16();
  if (!r.failed() && version != kDescVersion) {
    *error =
        "description version " + std::to_string(version) + " (this runtime reads " + std::to_string(kDescVersion) + ")";
    return false;
  }
  for (std::string* s : {&d.name, &d.program, &d.function}) *s = r.Str();
  d.builtin = r.U8() != 0;
  const auto named = [&r](NamedText* n) { n->name = r.Str(), n->text = r.Str(); };
  const auto check = [&r](CheckText* c) { c->expr = r.Str(), c->why = r.Str(), c->prune = r.U8() != 0; };
  bool ok =
      GetList(&r, &d.dtypes) && GetList(&r, &d.dims) && GetItems(&r, &d.lets, named) && GetItems(&r, &d.checks, check);
  ok = ok && GetItems(&r, &d.params, [&r](ParamText* p) {
         p->name = r.Str();
         const uint32_t n = r.U32();
         if (r.failed() || n > r.remaining() / 8) return (void)r.Take(r.remaining() + 1);
         for (uint32_t i = 0; i < n; ++i) p->values.push_back(r.I64());
         p->values_expr = r.Str();
         p->define = r.Str();
         p->has_missing = r.U8() != 0;
         p->missing = r.I64();
       });
  ok = ok && GetItems(&r, &d.constraints, check) &&
       GetItems(&r, &d.defines, [&r](DefineText* f) { f->name = r.Str(), f->value = r.Str(), f->when = r.Str(); });
  if (ok) d.build_options = r.Str();
  ok = ok && GetList(&r, &d.global) && GetList(&r, &d.local);
  if (ok) {
    d.round_global = r.U8() != 0;
    d.local_memory = r.Str();
  }
  ok = ok && GetItems(&r, &d.defaults, named) && GetItems(&r, &d.args, [&r](ArgText* a) { GetArg(&r, a); }) &&
       GetVerify(&r, &d.verify);
  if (ok) {
    d.flops = r.Str();
    d.bytes = r.Str();
  }
  ok = ok && GetList(&r, &d.test_keys);
  if (ok) d.source = r.Str();
  if (!ok || r.failed()) {
    *error = "truncated or malformed description";
    return false;
  }
  if (r.remaining() != 0) {
    *error = std::to_string(r.remaining()) + " bytes after the description";
    return false;
  }
  *out = std::move(d);
  return true;
}

}  // namespace mace_tune::desc
