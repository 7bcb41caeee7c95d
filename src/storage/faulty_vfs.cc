#include "storage/faulty_vfs.h"

#include <sqlite3.h>

#include <cstddef>
#include <cstring>
#include <mutex>

namespace storage {

bool FaultPlan::Due(std::atomic<int64_t>& in) {
  int64_t n = in.load();
  while (n > 0) {
    if (in.compare_exchange_weak(n, n - 1)) return n == 1;
  }
  return false;
}

bool FaultPlan::WriteFails(bool* disk_full) {
  *disk_full = full_.load();
  if (*disk_full || Due(write_in_)) {
    injected_.fetch_add(1);
    return true;
  }
  return false;
}

bool FaultPlan::SyncFails() {
  if (!Due(sync_in_)) return false;
  injected_.fetch_add(1);
  return true;
}

FaultPlan& Faults() {
  static FaultPlan plan;
  return plan;
}

namespace {

sqlite3_vfs* g_real = nullptr;

// A file of the faulty VFS: our methods (those the real file has: a version and a slot each),
// then the real file, in the same allocation (szOsFile is ours plus the real one's). Every method
// is forwarded but xWrite and xSync, which may fail.
struct FaultyFile {
  sqlite3_file base;
  sqlite3_io_methods methods;
  sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};
static_assert(sizeof(FaultyFile) % 8 == 0, "the real file after it stays 8-aligned");
FaultyFile* F(sqlite3_file* f) { return reinterpret_cast<FaultyFile*>(f); }

int Close(sqlite3_file* f) { return F(f)->real()->pMethods->xClose(F(f)->real()); }
int Read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return F(f)->real()->pMethods->xRead(F(f)->real(), buf, n, off);
}
int Write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  bool full = false;
  if (Faults().WriteFails(&full)) return full ? SQLITE_FULL : SQLITE_IOERR_WRITE;
  return F(f)->real()->pMethods->xWrite(F(f)->real(), buf, n, off);
}
int Truncate(sqlite3_file* f, sqlite3_int64 size) { return F(f)->real()->pMethods->xTruncate(F(f)->real(), size); }
int Sync(sqlite3_file* f, int flags) {
  if (Faults().SyncFails()) return SQLITE_IOERR_FSYNC;
  return F(f)->real()->pMethods->xSync(F(f)->real(), flags);
}
int FileSize(sqlite3_file* f, sqlite3_int64* size) { return F(f)->real()->pMethods->xFileSize(F(f)->real(), size); }
int Lock(sqlite3_file* f, int level) { return F(f)->real()->pMethods->xLock(F(f)->real(), level); }
int Unlock(sqlite3_file* f, int level) { return F(f)->real()->pMethods->xUnlock(F(f)->real(), level); }
int CheckReservedLock(sqlite3_file* f, int* out) {
  return F(f)->real()->pMethods->xCheckReservedLock(F(f)->real(), out);
}
int FileControl(sqlite3_file* f, int op, void* arg) {
  return F(f)->real()->pMethods->xFileControl(F(f)->real(), op, arg);
}
int SectorSize(sqlite3_file* f) { return F(f)->real()->pMethods->xSectorSize(F(f)->real()); }
int DeviceCharacteristics(sqlite3_file* f) {
  return F(f)->real()->pMethods->xDeviceCharacteristics(F(f)->real());
}
int ShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return F(f)->real()->pMethods->xShmMap(F(f)->real(), region, size, extend, out);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return F(f)->real()->pMethods->xShmLock(F(f)->real(), offset, n, flags);
}
void ShmBarrier(sqlite3_file* f) { F(f)->real()->pMethods->xShmBarrier(F(f)->real()); }
int ShmUnmap(sqlite3_file* f, int del) { return F(f)->real()->pMethods->xShmUnmap(F(f)->real(), del); }
int Fetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
  return F(f)->real()->pMethods->xFetch(F(f)->real(), off, n, out);
}
int Unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  return F(f)->real()->pMethods->xUnfetch(F(f)->real(), off, p);
}

// The methods of the unix VFS's files (version 3: with the WAL's shared memory and mmap).
const sqlite3_io_methods kMethods = {
    3,      Close,  Read,      Write,    Truncate, Sync,  FileSize, Lock,    Unlock, CheckReservedLock,
    FileControl, SectorSize, DeviceCharacteristics, ShmMap, ShmLock, ShmBarrier, ShmUnmap, Fetch, Unfetch};

int Open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  FaultyFile* f = F(file);
  std::memset(f, 0, sizeof *f);
  sqlite3_file* real = f->real();
  int rc = g_real->xOpen(g_real, name, real, flags, out_flags);
  if (rc != SQLITE_OK) {
    // SQLite calls no method of ours (pMethods stays null), so the real file is closed here.
    if (real->pMethods) real->pMethods->xClose(real);
    return rc;
  }
  // Our table as the real file's: its version, and a null slot where it has none (a file
  // opened without locking has no shared memory, and SQLite must see that).
  const sqlite3_io_methods* r = real->pMethods;
  f->methods = kMethods;
  f->methods.iVersion = r->iVersion;
  if (r->iVersion < 2 || !r->xShmMap) {
    f->methods.xShmMap = nullptr;
    f->methods.xShmLock = nullptr;
    f->methods.xShmBarrier = nullptr;
    f->methods.xShmUnmap = nullptr;
  }
  if (r->iVersion < 3 || !r->xFetch) {
    f->methods.xFetch = nullptr;
    f->methods.xUnfetch = nullptr;
  }
  f->base.pMethods = &f->methods;
  return SQLITE_OK;
}

int Delete(sqlite3_vfs*, const char* name, int sync_dir) { return g_real->xDelete(g_real, name, sync_dir); }
int Access(sqlite3_vfs*, const char* name, int flags, int* out) { return g_real->xAccess(g_real, name, flags, out); }
int FullPathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_real->xFullPathname(g_real, name, n, out);
}
void* DlOpen(sqlite3_vfs*, const char* name) { return g_real->xDlOpen(g_real, name); }
void DlError(sqlite3_vfs*, int n, char* out) { g_real->xDlError(g_real, n, out); }
void (*DlSym(sqlite3_vfs*, void* h, const char* sym))(void) { return g_real->xDlSym(g_real, h, sym); }
void DlClose(sqlite3_vfs*, void* h) { g_real->xDlClose(g_real, h); }
int Randomness(sqlite3_vfs*, int n, char* out) { return g_real->xRandomness(g_real, n, out); }
int SleepFor(sqlite3_vfs*, int us) { return g_real->xSleep(g_real, us); }
int CurrentTime(sqlite3_vfs*, double* out) { return g_real->xCurrentTime(g_real, out); }
int GetLastError(sqlite3_vfs*, int n, char* out) { return g_real->xGetLastError(g_real, n, out); }
int CurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out) { return g_real->xCurrentTimeInt64(g_real, out); }

}  // namespace

void InstallFaultyVfs() {
  static std::once_flag once;
  std::call_once(once, [] {
    sqlite3_initialize();
    g_real = sqlite3_vfs_find(nullptr);
    static sqlite3_vfs vfs{};
    vfs.iVersion = 2;
    vfs.szOsFile = static_cast<int>(sizeof(FaultyFile)) + g_real->szOsFile;
    vfs.mxPathname = g_real->mxPathname;
    vfs.zName = kFaultyVfs;
    vfs.xOpen = Open;
    vfs.xDelete = Delete;
    vfs.xAccess = Access;
    vfs.xFullPathname = FullPathname;
    vfs.xDlOpen = DlOpen;
    vfs.xDlError = DlError;
    vfs.xDlSym = DlSym;
    vfs.xDlClose = DlClose;
    vfs.xRandomness = Randomness;
    vfs.xSleep = SleepFor;
    vfs.xCurrentTime = CurrentTime;
    vfs.xGetLastError = GetLastError;
    vfs.xCurrentTimeInt64 = CurrentTimeInt64;
    sqlite3_vfs_register(&vfs, /*makeDflt=*/0);
  });
}

}  // namespace storage
