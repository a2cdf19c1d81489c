; The isms Windows installer: installs the PyInstaller one-folder bundle (dist\isms\ built on
; Windows with `pyinstaller --noconfirm --clean packaging\isms.spec`) for the current user.
;
;   makensis -DVERSION=0.1.0 -DBUNDLE=dist\isms -DOUTFILE=dist\isms-0.1.0-setup.exe ^
;            packaging\windows\isms.nsi
;
; VERSION is required and comes from pyproject.toml, so that stays the one version number.
; BUNDLE defaults to ..\..\dist\isms and OUTFILE to isms-VERSION-setup.exe (both relative to this
; file: makensis works from the script's folder). The Linux test suite compiles this script with
; Debian's makensis against a stand-in bundle (tests/integration/test_desktop_integration.py).
;
; Per user, not per machine: it installs into %LOCALAPPDATA%\Programs\isms, writes only HKCU and
; the user's Start menu, and so needs no administrator rights -- a council laptop's user can
; install and upgrade it. The registers, settings and logs live in %LOCALAPPDATA%\isms
; (platformdirs), a different folder: installing, upgrading and uninstalling never touch them.

Unicode true
SetCompressor /SOLID lzma
RequestExecutionLevel user

!ifndef VERSION
  !error "Pass the version: makensis -DVERSION=x.y.z (from pyproject.toml)"
!endif
!ifndef BUNDLE
  !define BUNDLE "..\..\dist\isms"
!endif
!ifndef OUTFILE
  !define OUTFILE "isms-${VERSION}-setup.exe"
!endif

!define APP "isms"
!define PUBLISHER "isms"
!define FILE_CLASS "isms.register"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"

!include "MUI2.nsh"
!include "FileFunc.nsh"

Name "${APP} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
ShowInstDetails nevershow
ShowUninstDetails nevershow

!define MUI_ICON "${BUNDLE}\isms.ico"
!define MUI_UNICON "${BUNDLE}\isms.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\isms-gui.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Open isms"

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Section "isms" SecMain
  SectionIn RO
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  ; An upgrade replaces the bundle's libraries wholesale: files of the old version must not linger.
  RMDir /r "$INSTDIR\_internal"
  File /r "${BUNDLE}\*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortcut "$SMPROGRAMS\isms.lnk" "$INSTDIR\isms-gui.exe" "" "$INSTDIR\isms.ico" 0

  ; Register files (*.isms) open in isms: `isms-gui FILE`, as the Linux menu entry's %f does.
  WriteRegStr HKCU "Software\Classes\.isms" "" "${FILE_CLASS}"
  WriteRegStr HKCU "Software\Classes\${FILE_CLASS}" "" "isms register"
  WriteRegStr HKCU "Software\Classes\${FILE_CLASS}\DefaultIcon" "" "$INSTDIR\isms.ico"
  WriteRegStr HKCU "Software\Classes\${FILE_CLASS}\shell\open\command" "" \
    '"$INSTDIR\isms-gui.exe" "%1"'
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'  ; SHCNE_ASSOCCHANGED

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\isms.ico"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

; Removes what the installer put there, by name: never a recursive delete of $INSTDIR itself,
; which the user may have pointed at a folder holding other things. User data is elsewhere.
Section "Uninstall"
  SetShellVarContext current
  Delete "$SMPROGRAMS\isms.lnk"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\isms.exe"
  Delete "$INSTDIR\isms-gui.exe"
  Delete "$INSTDIR\isms.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  ; The file type, only while .isms still points at it (another program may have taken it).
  ReadRegStr $0 HKCU "Software\Classes\.isms" ""
  StrCmp $0 "${FILE_CLASS}" 0 +2
    DeleteRegKey HKCU "Software\Classes\.isms"
  DeleteRegKey HKCU "Software\Classes\${FILE_CLASS}"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'  ; SHCNE_ASSOCCHANGED
SectionEnd
